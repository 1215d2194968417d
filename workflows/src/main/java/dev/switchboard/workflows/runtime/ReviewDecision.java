package dev.switchboard.workflows.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.schemas.JsonValues;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A person's decision on a held review, as it travels on the decisions topic ({@code topics.decisions}),
 * keyed by review id. Only {@code switchboard review} and the admin API write that topic, and no source
 * may. It carries what the person decided and who they are, nothing else: the workflow checks it against
 * the review it held ({@link ReviewLedger}) and takes the event and the earlier steps' outputs from there.
 *
 * @param approved   false for a rejection, which ends the event
 * @param value      the reviewed step's output to continue with (approved); empty for a rejection
 * @param decidedBy  who decided, as the writer knows them: the admin API's token ({@code admin}), or the CLI's user on Kafka
 * @param onBehalfOf the name an admin API caller gave, not verified; null when none
 * @param note       why, or null
 * @param decidedAt  ISO-8601 instant
 */
public record ReviewDecision(String reviewId, String workflow, boolean approved, Map<String, Object> value, String decidedBy,
                             String onBehalfOf, String note, String decidedAt) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public ReviewDecision {
        value = value == null ? Map.of() : Map.copyOf(value);
    }

    /** The record for the decisions topic, keyed by review id so that one review's decisions stay in order. */
    public ProducerRecord<byte[], byte[]> record(String topic) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("review_id", reviewId);
        record.put("workflow", workflow);
        record.put("decision", approved ? "approved" : "rejected");
        record.put("value", value);
        record.put("decided_by", decidedBy);
        if (onBehalfOf != null) {
            record.put("on_behalf_of", onBehalfOf);
        }
        if (note != null) {
            record.put("note", note);
        }
        record.put("decided_at", decidedAt);
        return new ProducerRecord<>(topic, null, reviewId.getBytes(StandardCharsets.UTF_8), ReviewRecords.json(record));
    }

    /** The decision a record of the decisions topic holds, or empty when it holds none (not JSON, no review id, decision or decider). */
    public static Optional<ReviewDecision> parse(byte[] bytes) {
        JsonNode node;
        try {
            node = bytes == null ? null : JSON.readTree(bytes);
        } catch (IOException e) {
            return Optional.empty();
        }
        if (node == null || !node.isObject() || !node.path("review_id").isTextual() || !node.path("workflow").isTextual()
                || !node.path("decided_by").isTextual() || !node.path("decision").asText().matches("approved|rejected")) {
            return Optional.empty();
        }
        return Optional.of(new ReviewDecision(node.get("review_id").asText(), node.get("workflow").asText(),
                node.get("decision").asText().equals("approved"), node.path("value").isObject() ? JsonValues.toMap(node.get("value")) : Map.of(),
                node.get("decided_by").asText(), node.path("on_behalf_of").asText(null), node.path("note").asText(null),
                node.path("decided_at").asText(null)));
    }
}
