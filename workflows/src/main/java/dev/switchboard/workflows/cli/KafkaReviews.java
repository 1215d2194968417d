package dev.switchboard.workflows.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.workflows.review.ReviewQueue;
import java.util.List;
import java.util.Map;

/** Reviews read on the review topic, decided on the decisions topic. */
record KafkaReviews(ReviewQueue queue) implements Reviews {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public List<JsonNode> pending(int limit) {
        return queue.pending(limit);
    }

    @Override
    public JsonNode show(String id) {
        return queue.find(id).orElseThrow(() -> new ReviewQueue.ReviewException(404, "No review '" + id + "' in topic "
                + queue.topic() + "; `switchboard review list` shows the pending ones"));
    }

    @Override
    public JsonNode approve(String id, Map<String, Object> value, String by) {
        return describe(queue.approve(id, value, new ReviewQueue.Decider(by, null)));
    }

    @Override
    public JsonNode reject(String id, String by, String note) {
        return describe(queue.reject(id, new ReviewQueue.Decider(by, null), note));
    }

    private static JsonNode describe(ReviewQueue.Decided decided) {
        ObjectNode node = JSON.createObjectNode().put("review_id", decided.reviewId()).put("decision", decided.decision())
                .put("workflow", decided.workflow()).put("step", decided.step()).put("topic", decided.topic());
        if (decided.value() != null) {
            node.set("value", JSON.valueToTree(decided.value()));
        }
        return node;
    }

    @Override
    public List<ReviewQueue.Correction> corrections() {
        return queue.corrections();
    }
}
