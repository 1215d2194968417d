package dev.switchboard.workflows.runtime;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
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
    /** On a dead letter whose original was too large for the dead-letter topic: the original's size in bytes. */
    public static final String ORIGINAL_BYTES = "switchboard.dlq.original.bytes";
    /** {@code true} on a dead letter that keeps only the first bytes of its original; it cannot be re-driven. */
    public static final String TRUNCATED = "switchboard.dlq.truncated";

    private static final int MAX_REASON = 2000;
    /** On a record re-driven from the dead-letter topic: where it was, {@code <topic>/<partition>/<offset>}. */
    public static final String REDRIVEN_FROM = "switchboard.redriven.from";

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

    /** Where the admin API notes each re-driven dead letter, so the listing can mark it: {@code <dead letter topic>.redrives}. */
    public static String redrivesTopic(String deadLetterTopic) {
        return deadLetterTopic + ".redrives";
    }

    /** True for a record made by {@link #record}. */
    public static boolean isDeadLetter(ProducerRecord<byte[], byte[]> record) {
        return record.headers().lastHeader(REASON) != null;
    }

    /**
     * The same dead letter keeping only the first {@code keep} bytes of its original, for a dead-letter
     * topic that refuses the whole (its {@code max.message.bytes} is smaller). The reason says so, and
     * {@link #ORIGINAL_BYTES} and {@link #TRUNCATED} mark it, so nobody re-drives a fragment.
     */
    public static ProducerRecord<byte[], byte[]> truncated(ProducerRecord<byte[], byte[]> deadLetter, int keep, String why) {
        byte[] value = deadLetter.value() == null ? new byte[0] : deadLetter.value();
        String original = header(deadLetter.headers(), ORIGINAL_BYTES);
        int originalBytes = original != null ? Integer.parseInt(original) : value.length;
        byte[] kept = Arrays.copyOf(value, Math.min(keep, value.length));
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(deadLetter.topic(), null, deadLetter.key(), kept);
        for (Header header : deadLetter.headers()) {
            if (!header.key().equals(REASON) && !header.key().equals(ORIGINAL_BYTES) && !header.key().equals(TRUNCATED)) {
                record.headers().add(header);
            }
        }
        String reason = header(deadLetter.headers(), REASON);
        String note = " [original of " + originalBytes + " bytes cut to its first " + kept.length + ": " + why + "]";
        if (reason != null && reason.contains(" [original of ")) {
            reason = reason.substring(0, reason.indexOf(" [original of "));
        }
        record.headers().add(REASON, bytes((reason == null ? "" : reason) + note))
                .add(ORIGINAL_BYTES, bytes(Integer.toString(originalBytes)))
                .add(TRUNCATED, bytes("true"));
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
