package dev.switchboard.workflows.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.schemas.JsonValues;
import dev.switchboard.schemas.ModelCall;
import dev.switchboard.schemas.events.EventParser;
import dev.switchboard.schemas.spi.StepOutcome;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The records a workflow writes besides tasks and dead letters: reviews (an event held for a
 * person, with what each model said), audit records (one per model call) and, read back, review
 * decisions ({@code switchboard.review.decided} CloudEvents that resume a held event).
 */
public final class ReviewRecords {

    /** The CloudEvent type of a person's decision on a review; published to the workflow's own topic. */
    public static final String DECIDED = "switchboard.review.decided";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ReviewRecords() {
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

    /**
     * A person's decision on a held event of this workflow, or null when the event is no decision
     * for it.
     *
     * @param approved  false for a rejection, which ends the event
     * @param value     the reviewed step's output to continue with (the approved or corrected value)
     */
    public record Decision(String reviewId, String step, boolean approved, Map<String, Object> event,
                           Map<String, Object> steps, Map<String, Object> value) {

        public String eventId() {
            return String.valueOf(event.get("id"));
        }

        public String eventType() {
            return String.valueOf(event.get("type"));
        }
    }

    @SuppressWarnings("unchecked")
    static Decision decision(EventParser.Accepted event, String workflow) {
        if (!DECIDED.equals(event.type())) {
            return null;
        }
        JsonNode data = event.event().path("data");
        if (!workflow.equals(data.path("workflow").asText()) || !data.path("event").isObject() || !data.path("step").isTextual()) {
            return null;
        }
        Map<String, Object> value = data.path("value").isObject() ? JsonValues.toMap(data.get("value")) : Map.of();
        Map<String, Object> steps = data.path("steps").isObject() ? JsonValues.toMap(data.get("steps")) : Map.of();
        return new Decision(data.path("review_id").asText(), data.get("step").asText(),
                "approved".equals(data.path("decision").asText()), JsonValues.toMap(data.get("event")), steps, value);
    }

    /**
     * The CloudEvent of a person's decision on a held event, to publish to the workflow's topic: the
     * workflow resumes the event after the reviewed step with {@code value} as that step's output
     * (approved), or ends it (rejected). Its id is derived from the review id, so one decision is one event.
     *
     * @param review the review record as held (review_id, workflow, step, event, steps)
     * @param value  the reviewed step's output to continue with; ignored for a rejection
     */
    public static byte[] decisionEvent(JsonNode review, boolean approved, Map<String, Object> value, String decidedBy, Instant at) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("review_id", review.path("review_id").asText());
        data.put("workflow", review.path("workflow").asText());
        data.put("step", review.path("step").asText());
        data.put("decision", approved ? "approved" : "rejected");
        data.put("value", approved && value != null ? value : Map.of());
        data.put("event", JsonValues.toJava(review.path("event")));
        data.put("steps", review.path("steps").isObject() ? JsonValues.toJava(review.get("steps")) : Map.of());
        data.put("decided_by", decidedBy);
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("specversion", "1.0");
        event.put("id", "decision-" + review.path("review_id").asText());
        event.put("source", "/switchboard/review");
        event.put("type", DECIDED);
        event.put("time", at.toString());
        event.put("datacontenttype", "application/json");
        event.put("data", data);
        return json(event);
    }

    /** The record that marks a review decided, keyed by its review id in the review topic; a held review has status {@code pending}. */
    public static ProducerRecord<byte[], byte[]> decided(String topic, JsonNode review, boolean approved, Map<String, Object> value,
                                                         String decidedBy, String note, Instant at) {
        String id = review.path("review_id").asText();
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("review_id", id);
        record.put("status", approved ? "approved" : "rejected");
        record.put("workflow", review.path("workflow").asText());
        record.put("step", review.path("step").asText());
        record.put("event_id", review.path("event").path("id").asText());
        record.put("decided_at", at.toString());
        record.put("decided_by", decidedBy);
        if (approved && value != null) {
            record.put("value", value);
        }
        if (note != null && !note.isBlank()) {
            record.put("note", note);
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
