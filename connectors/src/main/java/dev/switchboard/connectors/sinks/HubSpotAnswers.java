package dev.switchboard.connectors.sinks;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.connectors.http.HttpDelivery;
import dev.switchboard.schemas.Task;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How HubSpot's CRM v3 objects API answers, for every HubSpot sink: its refusal of a second record with the
 * same unique property value (the task id), and its documented error body.
 */
final class HubSpotAnswers {

    private static final Pattern EXISTING_ID = Pattern.compile("Existing ID: ?([0-9]+)");

    private HubSpotAnswers() {
    }

    /**
     * The unique id property refused a second record with this id: 409 CONFLICT, or 400 "already has that value".
     *
     * @param noun what the record is, for the detail: "task", "note"
     */
    static Optional<String> duplicate(HttpDelivery.Answer answer, Task task, String idProperty, String noun) {
        boolean duplicate = answer.status() == 409;
        if (answer.status() == 400) {
            JsonNode error = HttpTaskSink.json(answer.body());
            String text = error.path("message").asText("") + " " + error.path("errors").toString();
            duplicate = text.contains("already has that value") && text.contains(idProperty);
        }
        if (!duplicate) {
            return Optional.empty();
        }
        Matcher existing = EXISTING_ID.matcher(answer.body());
        return Optional.of("HubSpot already has the " + noun + " with " + idProperty + " " + task.id()
                + (existing.find() ? " (" + noun + " " + existing.group(1) + ")" : "") + " (HTTP " + answer.status() + ")");
    }

    /** {@code {"status":"error","message":"...","correlationId":"...","category":"..."}} → message, category and correlation id. */
    static String errorMessage(String body) {
        return HttpTaskSink.jsonError(body, "message", error -> (error.hasNonNull("category") ? " [" + error.get("category").asText() + "]" : "")
                + (error.hasNonNull("correlationId") ? " (correlationId " + error.get("correlationId").asText() + ")" : ""));
    }

    /** A numeric owner id from the task, else the sink's default; null when neither. */
    static String owner(Task task, String defaultOwnerId) {
        return task.owner() != null && task.owner().strip().matches("[0-9]+") ? task.owner().strip() : defaultOwnerId;
    }
}
