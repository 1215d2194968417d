package dev.switchboard.workflows.streams;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Event time for windows: the CloudEvent's {@code time} attribute, so that a replay or a late
 * delivery counts in the window the event happened in; the Kafka record timestamp when it has none.
 */
final class CloudEventTime implements TimestampExtractor {

    @Override
    public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
        if (record.value() instanceof byte[] bytes) {
            long time = of(EventKey.parse(bytes));
            if (time >= 0) {
                return time;
            }
        }
        return record.timestamp() >= 0 ? record.timestamp() : Math.max(0, partitionTime);
    }

    /** The event's time in epoch milliseconds, or -1 when it has no valid one. */
    static long of(JsonNode event) {
        JsonNode time = event == null ? null : event.get("time");
        if (time == null || !time.isTextual()) {
            return -1;
        }
        try {
            return Instant.parse(time.asText()).toEpochMilli();
        } catch (DateTimeParseException e) {
            try {
                return java.time.OffsetDateTime.parse(time.asText()).toInstant().toEpochMilli();
            } catch (DateTimeParseException again) {
                return -1;
            }
        }
    }
}
