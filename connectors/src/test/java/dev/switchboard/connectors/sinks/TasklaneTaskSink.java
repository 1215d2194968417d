package dev.switchboard.connectors.sinks;

import dev.switchboard.connectors.http.HttpDelivery;
import dev.switchboard.connectors.secrets.Redactor;
import dev.switchboard.connectors.secrets.Secret;
import dev.switchboard.schemas.Task;
import dev.switchboard.schemas.spi.DeliveryResult;
import dev.switchboard.schemas.spi.TaskSink;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.LocalDate;
import java.util.Optional;

/**
 * Creates one Tasklane task per task (Tasklane is the imaginary vendor of {@code docs/adding-a-sink.md}).
 * Idempotency: the task id is sent as {@code Idempotency-Key}, and Tasklane answers a repeated key with
 * the task it created for it, so a redelivery creates nothing new.
 */
public final class TasklaneTaskSink extends HttpTaskSink implements TaskSink {

    private final URI tasks;

    TasklaneTaskSink(String name, TasklaneTaskSinkFactory.Options options, Secret token, HttpDelivery http) {
        super(name, Optional.of(new Credential("Tasklane token", token)), Redactor.none(), http);
        this.tasks = URI.create(base(options.baseUrl()) + "/v2/projects/" + options.projectId() + "/tasks");
    }

    @Override
    protected Prepared prepare(Task task, Call call) {
        String priority = TaskMapping.priority(task);
        var body = JSON.createObjectNode()
                .put("title", task.title() == null ? "(no title)" : task.title())
                .put("notes", task.body() == null ? "" : task.body())
                .put("priority", priority.equals("urgent") ? "high" : priority)
                .put("due_on", TaskMapping.dueDate(task).map(LocalDate::toString).orElse(null));
        return new Send(http.request(tasks)
                .header("Authorization", "Bearer " + call.credential())
                .header("Idempotency-Key", task.id())
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build());
    }

    @Override
    protected String delivered(HttpDelivery.Answer answer) {
        return "Tasklane task " + json(answer.body()).path("id").asText("?") + " (HTTP " + answer.status() + ")";
    }

    /** Tasklane's 409 {@code idempotency_key_in_use}: the first request with this key is still running, so ask again later. */
    @Override
    protected DeliveryResult failed(HttpDelivery.Answer answer, Task task, Redactor redactor) {
        if (answer.status() == 409 && "idempotency_key_in_use".equals(json(answer.body()).path("code").asText())) {
            return new DeliveryResult.Retry("Tasklane is still creating the task for key " + task.id() + " (HTTP 409)",
                    HttpDelivery.retryAfter(answer.headers().firstValue("Retry-After")));
        }
        return super.failed(answer, task, redactor);
    }

    /** {@code {"code": "invalid_field", "message": "..."}} becomes {@code message [code]}. */
    @Override
    protected String errorMessage(String body) {
        return jsonError(body, "message", error -> error.hasNonNull("code") ? " [" + error.get("code").asText() + "]" : "");
    }
}
