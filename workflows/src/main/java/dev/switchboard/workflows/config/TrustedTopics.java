package dev.switchboard.workflows.config;

import dev.switchboard.schemas.events.ReservedEventTypes;
import dev.switchboard.schemas.options.OptionProblem;
import dev.switchboard.schemas.spi.SourceFactory;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The topics trusted state is built from (the CRM tables' change events) and those the engine's own
 * stages write (tasks, dead letters, reviews...). Only change-data-capture sources may publish to the
 * first, and no source to the second: a webhook sender must not be able to overwrite CRM records or
 * pose as a stage.
 */
final class TrustedTopics {

    private TrustedTopics() {
    }

    /** The problem with a source's {@code topic}, if it names a trusted topic it may not write. */
    static Optional<OptionProblem> check(SourceFactory<Record> factory, Record options, KafkaSettings kafka, Topics topics) {
        Optional<String> topic = factory.topic(options);
        if (topic.isEmpty()) {
            return Optional.empty();
        }
        Set<String> internal = new TreeSet<>(topics.all());
        Set<String> changeData = new TreeSet<>(Set.of(ReservedEventTypes.CDC_TOPIC));
        StreamsSettings streams = kafka.streams();
        if (streams != null && streams.crm() != null) {
            changeData.addAll(streams.crm().topics());
        }
        if (streams != null && streams.reconcile() != null) {
            // what reconciliation writes is what workflows and reminders trust: no source may pose as it
            internal.add(streams.reconcile().output());
            internal.add(streams.reconcile().openInvoices());
        }
        if (internal.contains(topic.get())) {
            return Optional.of(OptionProblem.at("topic", "Engine topic").got(topic.get())
                    .expected("a topic no stage of the engine writes (" + String.join(", ", internal) + " are the engine's)")
                    .fix("Publish to switchboard.events or a topic of your own"));
        }
        if (changeData.contains(topic.get()) && !factory.changeDataCapture()) {
            return Optional.of(OptionProblem.at("topic", "Change-data-capture topic").got(topic.get())
                    .expected("a topic the CRM tables do not read (" + String.join(", ", changeData) + " carry the CRM's own changes, "
                            + "which only change-data-capture sources write)")
                    .fix("Publish to switchboard.events or a topic of your own"));
        }
        return Optional.empty();
    }
}
