package dev.switchboard.workflows.runtime;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Builds dead-letter records: the original key and bytes untouched, and why, where and when in
 * headers, so a person can read the reason and re-drive the original.
 */
public final class DeadLetters {

    public static final String REASON = "switchboard.dlq.reason";
    public static final String STAGE = "switchboard.dlq.stage";
    public static final String STEP = "switchboard.dlq.step";
    public static final String SOURCE_TOPIC = "switchboard.dlq.source.topic";
    public static final String SOURCE_PARTITION = "switchboard.dlq.source.partition";
    public static final String SOURCE_OFFSET = "switchboard.dlq.source.offset";
    public static final String TIME = "switchboard.dlq.time";

    private static final int MAX_REASON = 2000;

    private DeadLetters() {
    }

    public static ProducerRecord<byte[], byte[]> record(String topic, InputRecord input, String stage, String step, String reason) {
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, input.key(), input.value());
        String text = reason.length() > MAX_REASON ? reason.substring(0, MAX_REASON) + "…" : reason;
        record.headers()
                .add(REASON, bytes(text))
                .add(STAGE, bytes(stage))
                .add(SOURCE_TOPIC, bytes(input.topic()))
                .add(SOURCE_PARTITION, bytes(Integer.toString(input.partition())))
                .add(SOURCE_OFFSET, bytes(Long.toString(input.offset())))
                .add(TIME, bytes(Instant.now().toString()));
        if (step != null) {
            record.headers().add(STEP, bytes(step));
        }
        String traceparent = Tracing.header(input.headers());
        if (traceparent != null) {
            record.headers().add(Tracing.HEADER, bytes(traceparent));
        }
        return record;
    }

    public static String header(Iterable<Header> headers, String name) {
        String value = null;
        for (Header header : headers) {
            if (header.key().equals(name)) {
                value = new String(header.value(), StandardCharsets.UTF_8);
            }
        }
        return value;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
