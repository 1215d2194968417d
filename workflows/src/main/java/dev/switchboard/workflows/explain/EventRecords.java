package dev.switchboard.workflows.explain;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.schemas.Task;
import dev.switchboard.workflows.config.Topics;
import dev.switchboard.workflows.model.StepSpec;
import dev.switchboard.workflows.model.Workflow;
import dev.switchboard.workflows.runtime.DeadLetters;
import dev.switchboard.workflows.runtime.ReviewRecords;
import dev.switchboard.workflows.runtime.Tracing;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * Every record of one event, from each topic in turn: the event itself (from each source that
 * published its id), its trace, audit records, tasks, receipts, reviews and dead letters. Records are
 * matched on what needs no parsing where that exists: the key (trace and audit records are keyed by
 * event id; tasks, receipts and reviews by ids derived from it), the {@code switchboard.event.id}
 * header; only a record whose bytes contain the id is parsed. Once the event is found, the other
 * topics are read from a minute before it was published, not from {@code since}.
 */
final class EventRecords {

    /** Outputs are written after their event; this covers clocks that disagree a little. */
    private static final Duration SKEW = Duration.ofMinutes(1);
    private static final int MAX_PER_TOPIC = 1000;
    private static final String EVENT_ID_HEADER = "switchboard.event.id";
    private static final ObjectMapper JSON = new ObjectMapper();

    final List<ConsumerRecord<byte[], byte[]>> events;
    final List<ConsumerRecord<byte[], byte[]>> trace;
    final List<ConsumerRecord<byte[], byte[]>> audit;
    final List<ConsumerRecord<byte[], byte[]>> tasks;
    final List<ConsumerRecord<byte[], byte[]>> receipts;
    final List<ConsumerRecord<byte[], byte[]>> reviews;
    final List<ConsumerRecord<byte[], byte[]>> deadLetters;
    final long scanned;

    /**
     * @param eventTopics the topics events are published on (each workflow's {@code on.topic})
     * @param workflows   the workflows, to derive the ids of the event's tasks and reviews
     */
    EventRecords(TopicScan scan, Topics topics, Set<String> eventTopics, List<Workflow> workflows, String eventId, Instant since) {
        byte[] id = eventId.getBytes(StandardCharsets.UTF_8);
        // inside a JSON value the id is written as string content: quotes and backslashes escaped
        byte[] inJson = JsonStringEncoder.getInstance().quoteAsUTF8(eventId);
        List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
        for (String topic : eventTopics) {
            found.addAll(scan.read(topic, since, record -> contains(record.value(), inJson) && isEvent(record.value(), eventId),
                    MAX_PER_TOPIC));
        }
        this.events = List.copyOf(found);
        Instant from = found.stream().map(record -> Instant.ofEpochMilli(record.timestamp())).min(Instant::compareTo)
                .map(first -> first.minus(SKEW)).filter(first -> first.isAfter(since)).orElse(since);
        // ids are unique only within a source: every source that published this id names its own tasks and reviews
        Set<String> sources = new HashSet<>();
        found.forEach(record -> sources.add(json(record.value()).path("source").asText()));
        Set<String> taskIds = new HashSet<>();
        Set<String> reviewIds = new HashSet<>();
        for (Workflow workflow : workflows) {
            for (StepSpec step : workflow.steps()) {
                for (String source : sources) {
                    taskIds.add(Task.idFor(workflow.name(), source, eventId, step.id()));
                    reviewIds.add(ReviewRecords.reviewId(workflow.name(), source, eventId, step.id()));
                }
            }
        }
        this.trace = scan.read(topics.trace(), from, record -> Arrays.equals(record.key(), id), MAX_PER_TOPIC);
        this.audit = scan.read(topics.audit(), from, record -> Arrays.equals(record.key(), id), MAX_PER_TOPIC);
        this.tasks = scan.read(topics.tasks(), from, record -> header(record, EVENT_ID_HEADER, id) || keyIn(record, taskIds), MAX_PER_TOPIC);
        tasks.forEach(record -> taskIds.add(text(record.key())));
        this.receipts = scan.read(topics.deliveries(), from, record -> keyIn(record, taskIds), MAX_PER_TOPIC);
        this.reviews = scan.read(topics.review(), from, record -> header(record, EVENT_ID_HEADER, id) || keyIn(record, reviewIds),
                MAX_PER_TOPIC);
        this.deadLetters = scan.read(topics.deadLetter(), from, record -> keyIn(record, taskIds)
                || contains(record.value(), inJson) && isEvent(record.value(), eventId), MAX_PER_TOPIC);
        this.scanned = scan.scanned();
    }

    /** Whether the bytes are a CloudEvent with this id. */
    static boolean isEvent(byte[] value, String eventId) {
        JsonNode node = json(value);
        return node != null && eventId.equals(node.path("id").asText(null));
    }

    static JsonNode json(byte[] value) {
        try {
            return value == null ? null : JSON.readTree(value);
        } catch (IOException e) {
            return null;
        }
    }

    static String text(byte[] bytes) {
        return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
    }

    /** The trace id of a record's W3C {@code traceparent} header ({@code 00-<32 hex>-<16 hex>-<flags>}), or null. */
    static String traceId(ConsumerRecord<byte[], byte[]> record) {
        String traceparent = header(record, Tracing.HEADER);
        return traceparent != null && traceparent.length() >= 35 ? traceparent.substring(3, 35) : null;
    }

    static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        return DeadLetters.header(record.headers(), name);
    }

    private static boolean header(ConsumerRecord<byte[], byte[]> record, String name, byte[] value) {
        for (Header header : record.headers()) {
            if (header.key().equals(name) && Arrays.equals(header.value(), value)) {
                return true;
            }
        }
        return false;
    }

    private static boolean keyIn(ConsumerRecord<byte[], byte[]> record, Set<String> keys) {
        return record.key() != null && keys.contains(text(record.key()));
    }

    /** A byte search: the cheap test that lets every other event's record go by unparsed. */
    private static boolean contains(byte[] haystack, byte[] needle) {
        if (haystack == null || needle.length == 0) {
            return false;
        }
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
