package dev.switchboard.connectors.sinks;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.connectors.http.HttpDelivery;
import dev.switchboard.connectors.secrets.Redactor;
import dev.switchboard.connectors.secrets.Secret;
import dev.switchboard.schemas.Task;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Optional;

/**
 * One HubSpot CRM v3 object (a task, a note) created per task with one JSON POST. The task id goes into a property
 * with {@code hasUniqueValue: true}, so HubSpot's refusal of a second object with that id means delivered.
 */
abstract class HubSpotObjectSink extends HttpTaskSink {

    private final URI uri;
    private final String object;
    private final String idProperty;

    /**
     * @param path       the objects API path, e.g. {@code /crm/v3/objects/tasks}
     * @param object     what a delivery detail calls the object, e.g. {@code task}
     * @param idProperty the unique property that carries the task id
     */
    HubSpotObjectSink(String name, String baseUrl, String path, String object, String idProperty, Secret token, HttpDelivery http) {
        super(name, Optional.of(new Credential("HubSpot token", token)), Redactor.none(), http);
        this.uri = URI.create(base(baseUrl) + path);
        this.object = object;
        this.idProperty = idProperty;
    }

    /** The object's JSON, its {@code properties} and associations. */
    abstract ObjectNode body(Task task);

    @Override
    protected Prepared prepare(Task task, Call call) {
        return new Send(http.request(uri)
                .header("Authorization", "Bearer " + call.credential())
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body(task).toString()))
                .build());
    }

    @Override
    protected String delivered(HttpDelivery.Answer answer) {
        String id = json(answer.body()).path("id").asText("");
        return "HubSpot " + object + " " + (id.isEmpty() ? "created" : id) + " (HTTP " + answer.status() + ")";
    }

    /** The unique id property refused a second object with this id: 409 CONFLICT, or 400 "already has that value". */
    @Override
    protected Optional<String> alreadyDelivered(HttpDelivery.Answer answer, Task task) {
        return HubSpotAnswers.duplicate(answer, task, idProperty, object);
    }

    @Override
    protected String errorMessage(String body) {
        return HubSpotAnswers.errorMessage(body);
    }
}
