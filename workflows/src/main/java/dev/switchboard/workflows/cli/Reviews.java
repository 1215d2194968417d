package dev.switchboard.workflows.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.workflows.review.ReviewQueue;
import java.util.List;
import java.util.Map;

/** Where {@code switchboard review} finds and decides reviews: the review topic on Kafka, or a running engine's admin API. */
interface Reviews {

    List<JsonNode> pending(int limit) throws Exception;

    JsonNode show(String id) throws Exception;

    /** A JSON object with review_id, decision, workflow, step, topic and, when approved, value. */
    JsonNode approve(String id, Map<String, Object> value, String by) throws Exception;

    /** A JSON object with review_id, decision, workflow, step and topic. */
    JsonNode reject(String id, String by, String note) throws Exception;

    /** Every review approved with a corrected value, with the record that held it. */
    List<ReviewQueue.Correction> corrections() throws Exception;
}
