package dev.switchboard.schemas.spi;

import dev.switchboard.schemas.options.OptionProblem;
import java.util.List;

/**
 * Creates one sink type (a webhook, a file, a CRM). Registered with {@link java.util.ServiceLoader};
 * like steps, the options record carries the name, options and examples from which the config
 * schema and docs are generated.
 *
 * @param <O> the options record
 */
public interface SinkFactory<O extends Record> {

    /** The options record; by default the type argument of {@code implements SinkFactory<Options>}. */
    default Class<O> optionsType() {
        return OptionsTypes.of(getClass(), SinkFactory.class);
    }

    /** Checks beyond declared types and bounds (a URL whose host is not allowed, say). */
    default List<OptionProblem> check(O options, SinkEnvironment environment) {
        return List.of();
    }

    TaskSink create(String name, O options, SinkEnvironment environment);
}
