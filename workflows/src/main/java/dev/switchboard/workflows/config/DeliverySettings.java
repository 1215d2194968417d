package dev.switchboard.workflows.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.schemas.options.Option;

/** The {@code delivery:} section: how hard the delivery stage tries before it dead-letters a task. */
public record DeliverySettings(
        @Option(description = "Attempts per task before it goes to the dead-letter topic. A retry whose wait would end more than a fifth of Kafka's `max.poll.interval.ms` (1 minute by default) after its batch began is not made: the task is dead-lettered then.", defaultValue = "8", minimum = 1, maximum = 100)
        @JsonProperty("max_attempts") Integer maxAttempts,
        @Option(description = "Wait before the second attempt, in milliseconds, give or take half (jitter, so retries of many tasks spread out); doubles each attempt.", defaultValue = "200", minimum = 0)
        @JsonProperty("initial_backoff_ms") Integer initialBackoffMs,
        @Option(description = "Longest wait between attempts, in milliseconds; also caps a sink's Retry-After.", defaultValue = "30000", minimum = 0)
        @JsonProperty("max_backoff_ms") Integer maxBackoffMs) {

    public static DeliverySettings defaults() {
        return DefaultOptions.of(DeliverySettings.class);
    }
}
