package dev.switchboard.schemas.spi;

/**
 * Creates one sink type (a webhook, a file, a CRM). Registered with {@link java.util.ServiceLoader};
 * like steps, the options record carries the name, options and examples from which the config
 * schema and docs are generated.
 *
 * @param <O> the options record
 */
public interface SinkFactory<O extends Record> extends ConnectorFactory<O, SinkEnvironment, TaskSink> {

    /** The options record; by default the type argument of {@code implements SinkFactory<Options>}. */
    @Override
    default Class<O> optionsType() {
        return OptionsTypes.of(getClass(), SinkFactory.class);
    }
}
