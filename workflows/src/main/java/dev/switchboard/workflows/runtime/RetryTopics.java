package dev.switchboard.workflows.runtime;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The delayed retry topics of delivery: {@code <tasks>.retry.1s} to {@code <tasks>.retry.2h}, one per
 * delay. A task waiting to be tried again is a record on the topic of the longest delay that does not
 * pass its due time, held there until {@code min(due, written + delay)}: so in one partition no record
 * is held much longer than those before it, and one waiting for hours never holds back one waiting for
 * seconds. A longer wait hops from topic to topic until its due time. The records carry the attempts
 * made, the due time, the last error and where the task first came from, in headers.
 */
final class RetryTopics {

    static final String ATTEMPTS = "switchboard.retry.attempts";
    /** Epoch milliseconds of the next attempt. */
    static final String DUE = "switchboard.retry.due";
    /** Epoch milliseconds this record's hop ends: its due time, or earlier when it hops on to another topic. */
    static final String HOP_DUE = "switchboard.retry.hop.due";
    static final String LAST_ERROR = "switchboard.retry.error";
    static final String ORIGIN_TOPIC = "switchboard.retry.origin.topic";
    static final String ORIGIN_PARTITION = "switchboard.retry.origin.partition";
    static final String ORIGIN_OFFSET = "switchboard.retry.origin.offset";
    private static final int MAX_ERROR = 1000;

    /** The delays, shortest first, by the suffix of their topic. */
    private static final Map<String, Duration> DELAYS = delays();

    private final String tasksTopic;

    RetryTopics(String tasksTopic) {
        this.tasksTopic = tasksTopic;
    }

    private static Map<String, Duration> delays() {
        Map<String, Duration> delays = new LinkedHashMap<>();
        delays.put("1s", Duration.ofSeconds(1));
        delays.put("5s", Duration.ofSeconds(5));
        delays.put("30s", Duration.ofSeconds(30));
        delays.put("5m", Duration.ofMinutes(5));
        delays.put("30m", Duration.ofMinutes(30));
        delays.put("2h", Duration.ofHours(2));
        return delays;
    }

    /** Every retry topic of this tasks topic, shortest delay first. */
    List<String> all() {
        return DELAYS.keySet().stream().map(this::topic).toList();
    }

    private String topic(String suffix) {
        return tasksTopic + ".retry." + suffix;
    }

    /** What a retry record says about the task it holds. */
    record Pending(int attempts, Instant due, Instant hopDue, String lastError, InputRecord origin) {
    }

    /**
     * The record that holds a task until {@code due}.
     *
     * @param origin the task as first read from the tasks topic (its coordinates, key, bytes and headers)
     */
    ProducerRecord<byte[], byte[]> hold(InputRecord origin, int attempts, Instant due, String lastError, Instant now) {
        Duration remaining = Duration.between(now, due);
        String suffix = null;
        for (Map.Entry<String, Duration> delay : DELAYS.entrySet()) {
            if (suffix == null || delay.getValue().compareTo(remaining) <= 0) {
                suffix = delay.getKey();
            }
        }
        Instant hopDue = now.plus(DELAYS.get(suffix));
        if (due.isBefore(hopDue)) {
            hopDue = due;
        }
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic(suffix), null, now.toEpochMilli(), origin.key(), origin.value());
        for (Header header : origin.headers()) {
            if (!header.key().startsWith("switchboard.retry.")) {
                record.headers().add(header);
            }
        }
        String error = lastError == null ? "" : lastError.length() > MAX_ERROR ? lastError.substring(0, MAX_ERROR) + "…" : lastError;
        record.headers().add(ATTEMPTS, bytes(Integer.toString(attempts)))
                .add(DUE, bytes(Long.toString(due.toEpochMilli())))
                .add(HOP_DUE, bytes(Long.toString(hopDue.toEpochMilli())))
                .add(LAST_ERROR, bytes(error))
                .add(ORIGIN_TOPIC, bytes(origin.topic()))
                .add(ORIGIN_PARTITION, bytes(Integer.toString(origin.partition())))
                .add(ORIGIN_OFFSET, bytes(Long.toString(origin.offset())));
        return record;
    }

    /** The task a retry record holds; a record without the headers (written by hand) is due now, after one attempt. */
    static Pending read(InputRecord record) {
        Headers headers = record.headers();
        Headers original = new RecordHeaders();
        for (Header header : headers) {
            if (!header.key().startsWith("switchboard.retry.")) {
                original.add(header);
            }
        }
        String topic = DeadLetters.header(headers, ORIGIN_TOPIC);
        InputRecord origin = new InputRecord(topic == null ? record.topic() : topic,
                number(headers, ORIGIN_PARTITION, record.partition()), number(headers, ORIGIN_OFFSET, record.offset()),
                record.key(), record.value(), original);
        Instant due = Instant.ofEpochMilli(number(headers, DUE, 0L));
        return new Pending((int) number(headers, ATTEMPTS, 1), due, Instant.ofEpochMilli(number(headers, HOP_DUE, due.toEpochMilli())),
                DeadLetters.header(headers, LAST_ERROR), origin);
    }

    private static long number(Headers headers, String name, long fallback) {
        String text = DeadLetters.header(headers, name);
        try {
            return text == null ? fallback : Long.parseLong(text.trim());
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    private static int number(Headers headers, String name, int fallback) {
        return (int) number(headers, name, (long) fallback);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
