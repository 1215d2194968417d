package dev.switchboard.workflows.config;

import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.options.OptionGroup;
import java.util.Map;

/**
 * The {@code delivery:} section: how hard the delivery stage tries before it dead-letters a task, for
 * every sink, and for the sinks that need something else.
 */
public record DeliverySettings(
        @OptionGroup DeliveryPolicy policy,
        @Option(description = "A policy of its own for some sinks, by sink name: `schedule`, `max_attempts`, `initial_backoff_ms` and "
                + "`max_backoff_ms` as above. It replaces the whole policy for that sink: what it leaves out takes its default, not "
                + "this section's value.")
        Map<String, DeliveryPolicy> sinks) {

    public DeliverySettings {
        sinks = sinks == null ? Map.of() : Map.copyOf(sinks);
    }

    public static DeliverySettings defaults() {
        return DefaultOptions.of(DeliverySettings.class);
    }

    /** The policy of one sink: its own, else the section's. */
    public DeliveryPolicy policy(String sink) {
        return sinks.getOrDefault(sink, policy);
    }
}
