package dev.switchboard.workflows.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.schemas.JsonValues;
import dev.switchboard.schemas.ModelCall;
import dev.switchboard.schemas.events.EventParser;
import dev.switchboard.schemas.spi.StepOutcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The records a workflow writes besides tasks and dead letters: reviews (an event held for a
 * person, with what each model said, and later the mark that it was decided) and audit records
 * (one per model call). Decisions themselves come on the decisions topic ({@link ReviewDecision}).
 */
public final class ReviewRecords {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ReviewRecords() {
    }

    /** One record of the review topic, by its review id: its JSON, or null where the review was removed (a tombstone). */
    public record Read(String reviewId, JsonNode value) {
        public boolean removed() {
            return value == null;
        }
    }

    /** A record of the review topic as written; empty for one without a key or with a value that is not JSON. */
    public static Optional<Read> read(ConsumerRecord<byte[], byte[]> record) {
        if (record.key() == null) {
            return Optional.empty();
        }
        String id = new String(record.key(), StandardCharsets.UTF_8);
        if (record.value() == null) {
            return Optional.of(new Read(id, null));
        }
        try {
            return Optional.ofNullable(JSON.readTree(record.value())).map(value -> new Read(id, value));
        } catch (IOException notJson) {
            return Optional.empty();
        }
    }

    /**
     * {@code rev_} and 24 hex digits of SHA-256 over workflow, event source, event id and step: the same
     * event held twice is one review, and events of two sources with the same id are two.
     */
    public static String reviewId(String workflow, String eventSource, String eventId, String step) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((workflow + '\0' + eventSource + '\0' + eventId + '\0' + step).getBytes(StandardCharsets.UTF_8));
            return "rev_" + HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /** A held event, keyed by its review id. */
    static ProducerRecord<byte[], byte[]> review(String topic, String workflow, String step, String stepType, InputRecord input,
                                                Map<String, Object> event, Map<String, Object> stepsSoFar, StepOutcome.Review review) {
        String eventId = String.valueOf(event.get("id"));
        String id = reviewId(workflow, String.valueOf(event.get("source")), eventId, step);
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("review_id", id);
        record.put("status", "pending");
        record.put("workflow", workflow);
        record.put("step", step);
        record.put("step_type", stepType);
        record.put("reason", review.reason());
        record.put("held_at", Instant.now().toString());
        record.put("event", event);
        record.put("steps", stepsSoFar);
        record.put("candidates", review.candidates());
        record.put("calls", review.calls());
        record.put("source", Map.of("topic", String.valueOf(input.topic()), "partition", input.partition(), "offset", input.offset()));
        ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(topic, null, bytes(id), json(record));
        out.headers().add("switchboard.workflow", bytes(workflow));
        out.headers().add("switchboard.event.id", bytes(eventId));
        return out;
    }

    /** One audit record per model call, keyed by event id. */
    static List<ProducerRecord<byte[], byte[]>> audit(String topic, String workflow, String step, String eventId, List<ModelCall> calls) {
        List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>(calls.size());
        for (ModelCall call : calls) {
            Map<String, Object> record = new LinkedHashMap<>();
            record.put("workflow", workflow);
            record.put("step", step);
            record.put("event_id", eventId);
            record.put("prompt_id", call.promptId());
            record.put("prompt_version", call.promptVersion());
            record.put("provider", call.provider());
            record.put("model", call.model());
            record.put("parameters", call.parameters());
            record.put("tokens_in", call.tokensIn());
            record.put("tokens_out", call.tokensOut());
            record.put("latency_ms", Math.round(call.latencyMillis() * 1000) / 1000.0);
            record.put("cost_usd", call.costUsd());
            record.put("cache_hit", call.cacheHit());
            record.put("outcome", call.outcome());
            record.put("time", Instant.now().toString());
            records.add(new ProducerRecord<>(topic, null, bytes(eventId), json(record)));
        }
        return records;
    }

    /** The record that marks a review decided, keyed by its review id in the review topic; a held review has status {@code pending}. */
    static ProducerRecord<byte[], byte[]> decided(String topic, JsonNode review, ReviewDecision decision) {
        String id = review.path("review_id").asText();
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("review_id", id);
        record.put("status", decision.approved() ? "approved" : "rejected");
        record.put("workflow", review.path("workflow").asText());
        record.put("step", review.path("step").asText());
        record.put("event_id", review.path("event").path("id").asText());
        record.put("event_source", review.path("event").path("source").asText());
        record.put("decided_at", decision.decidedAt());
        record.put("decided_by", decision.decidedBy());
        if (decision.onBehalfOf() != null) {
            record.put("on_behalf_of", decision.onBehalfOf());
        }
        if (decision.approved()) {
            record.put("value", decision.value());
        }
        if (decision.note() != null && !decision.note().isBlank()) {
            record.put("note", decision.note());
        }
        record.put("held_at", review.path("held_at").asText(null));
        record.put("reason", review.path("reason").asText(null));
        ProducerRecord<byte[], byte[]> out = new ProducerRecord<>(topic, null, bytes(id), json(record));
        out.headers().add("switchboard.workflow", bytes(review.path("workflow").asText()));
        return out;
    }

    static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A record could not be written as JSON", e);
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
