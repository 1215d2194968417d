package dev.switchboard.schemas.spi;

import dev.switchboard.schemas.options.OptionProblem;
import java.util.List;

/**
 * What sink and source factories share: an options record, checks beyond what it declares, and the
 * making of the connector with them.
 *
 * @param <O> the options record
 * @param <E> what the engine lends the connector (secrets, allowed hosts, ...)
 * @param <C> the connector made
 */
public interface ConnectorFactory<O extends Record, E, C> {

    /** The options record; {@link SinkFactory} and {@link SourceFactory} find it as their own type argument. */
    Class<O> optionsType();

    /** Checks beyond declared types and bounds (a URL whose host is not allowed, a secret that is not set, say). */
    default List<OptionProblem> check(O options, E environment) {
        return List.of();
    }

    C create(String name, O options, E environment);
}
