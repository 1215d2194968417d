package dev.switchboard.workflows.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.schemas.JsonValues;
import dev.switchboard.schemas.ModelCall;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.header.Headers;

/**
 * A review as the review topic keeps it ({@link ReviewLedger}): what a decision is checked against,
 * and, once approved, where the event and the earlier steps' outputs it resumes with come from.
 */
record HeldReview(JsonNode record) {

    String id() {
        return record.path("review_id").asText();
    }

    String workflow() {
        return record.path("workflow").asText();
    }

    /** The model whose answer was held: the first candidate's, or empty when none is named. */
    String model() {
        return record.path("candidates").path(0).path("model").asText("");
    }

    String step() {
        return record.path("step").asText();
    }

    /** Why {@code decision} cannot be taken for workflow {@code workflow}, or null when it can: the review is its own and pending. */
    String refusal(String workflow, ReviewDecision decision, boolean decidedEarlierInBatch) {
        if (!workflow.equals(workflow())) {
            return "review " + decision.reviewId() + " was held by workflow '" + workflow() + "', not '" + workflow + "'";
        }
        String status = record.path("status").asText();
        if (decidedEarlierInBatch || !"pending".equals(status)) {
            return "review " + decision.reviewId() + " was already " + (decidedEarlierInBatch ? "decided" : status + " by "
                    + record.path("decided_by").asText("someone") + " at " + record.path("decided_at").asText("an earlier time"))
                    + "; a review is decided once";
        }
        return null;
    }

    /** The CloudEvent that was held, as it came. */
    Map<String, Object> event() {
        return record.path("event").isObject() ? JsonValues.toMap(record.get("event")) : Map.of();
    }

    /** The outputs of the steps before the reviewed one, as they were when the event was held. */
    Map<String, Object> steps() {
        return record.path("steps").isObject() ? JsonValues.toMap(record.get("steps")) : Map.of();
    }

    /** The record the event came from, its bytes rebuilt from the review, so that its dead letter can be re-driven to its topic. */
    InputRecord original(Headers headers) {
        JsonNode source = record.path("source");
        return new InputRecord(source.path("topic").asText(), source.path("partition").asInt(), source.path("offset").asLong(-1), null,
                ReviewRecords.json(event()), headers);
    }

    /** The decision as a task's lineage shows it, next to the model calls: provider {@code review}, who decided as the model. */
    ModelCall lineage(ReviewDecision decision) {
        Map<String, Object> parameters = new LinkedHashMap<>();
        parameters.put("review_id", decision.reviewId());
        if (decision.decidedAt() != null) {
            parameters.put("decided_at", decision.decidedAt());
        }
        if (decision.onBehalfOf() != null) {
            parameters.put("on_behalf_of", decision.onBehalfOf());
        }
        return new ModelCall("review", decision.decidedBy(), null, 0, 0, 0, 0, false, decision.approved() ? "approved" : "rejected",
                "review/" + step(), parameters);
    }
}
