package dev.switchboard.schemas.spi;

import java.util.Optional;

/**
 * Creates one source type (a webhook listener, a mailbox, a CRM database's change stream).
 * Registered with {@link java.util.ServiceLoader}; like steps and sinks, its options record carries
 * the name ({@link dev.switchboard.schemas.options.Documentation}), options and examples.
 *
 * @param <O> the options record
 */
public interface SourceFactory<O extends Record> extends ConnectorFactory<O, SourceEnvironment, Source> {

    /** The options record; by default the type argument of {@code implements SourceFactory<Options>}. */
    @Override
    default Class<O> optionsType() {
        return OptionsTypes.of(getClass(), SourceFactory.class);
    }

    /** The Kafka topic a source with these options publishes to, when it has one: by default a {@link PublishingOptions}' topic. */
    default Optional<String> topic(O options) {
        return options instanceof PublishingOptions publishing ? Optional.of(publishing.topic()) : Optional.empty();
    }

    /**
     * Whether the source reads a system of record's own change log (Debezium): only such a source may
     * publish {@code crm.*} events and write the topics trusted state is built from
     * ({@link dev.switchboard.schemas.events.ReservedEventTypes}). Every other source writes what comes from
     * outside the systems the operator runs (a webhook anyone holding its secret can call, a mailbox anyone can
     * mail), so its events are untrusted input and {@code validate} warns about workflows and stages reading its topic.
     */
    default boolean changeDataCapture() {
        return false;
    }
}
