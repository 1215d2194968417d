package dev.switchboard.schemas.spi;

import dev.switchboard.schemas.options.OptionProblem;
import java.util.List;

/**
 * Creates one source type (a webhook listener, a mailbox, a CRM database's change stream).
 * Registered with {@link java.util.ServiceLoader}; like steps and sinks, its options record carries
 * the name ({@link dev.switchboard.schemas.options.Documentation}), options and examples.
 *
 * @param <O> the options record
 */
public interface SourceFactory<O extends Record> {

    Class<O> optionsType();

    /**
     * Whether what this source writes comes from outside the systems the operator runs (a webhook anyone holding its
     * secret can call, a mailbox anyone can mail), so that its events are untrusted input; a change-data-capture source
     * reading the operator's own database is not. {@code validate} warns about workflows and stages that read its topic.
     */
    default boolean external() {
        return true;
    }

    /** Checks beyond declared types and bounds (a secret that is not set, say). */
    default List<OptionProblem> check(O options, SourceEnvironment environment) {
        return List.of();
    }

    Source create(String name, O options, SourceEnvironment environment);
}
