package dev.switchboard.workflows.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.workflows.review.ReviewQueue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reviews through a running engine's admin API. */
record ApiReviews(AdminApi api) implements Reviews {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public List<JsonNode> pending(int limit) {
        List<JsonNode> list = new ArrayList<>();
        json(api.get("/admin/reviews?limit=" + limit)).forEach(list::add);
        return list;
    }

    @Override
    public JsonNode show(String id) {
        return json(api.get("/admin/reviews/show?id=" + AdminApi.encode(id)));
    }

    @Override
    public JsonNode approve(String id, Map<String, Object> value, String by) {
        ObjectNode body = JSON.createObjectNode().put("by", by);
        if (value != null) {
            body.set("value", JSON.valueToTree(value));
        }
        return json(api.post("/admin/reviews/approve?id=" + AdminApi.encode(id), body.toString()));
    }

    @Override
    public JsonNode reject(String id, String by, String note) {
        ObjectNode body = JSON.createObjectNode().put("by", by);
        if (note != null) {
            body.put("note", note);
        }
        return json(api.post("/admin/reviews/reject?id=" + AdminApi.encode(id), body.toString()));
    }

    /** The answer's JSON; a refusal as a {@link ReviewQueue.ReviewException} with the engine's error. */
    private JsonNode json(AdminApi.Answer answer) {
        JsonNode json;
        try {
            json = JSON.readTree(answer.body());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("The engine at " + api.url() + " answered HTTP " + answer.status() + " with no JSON: " + answer.body());
        }
        if (!answer.ok()) {
            String error = json == null ? "" : json.path("error").asText(answer.body());
            throw new ReviewQueue.ReviewException(answer.status(), "HTTP " + answer.status() + ": " + error);
        }
        return json == null ? JSON.createArrayNode() : json;
    }

    @Override
    public List<ReviewQueue.Correction> corrections() {
        throw CommandFailure.invalid("review export reads the review topic itself: use --bootstrap-servers or --config instead of --url");
    }
}
