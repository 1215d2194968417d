package dev.switchboard.connectors.sinks;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.switchboard.connectors.http.HttpDelivery;
import dev.switchboard.connectors.http.StandardWebhooks;
import dev.switchboard.connectors.secrets.Redactor;
import dev.switchboard.connectors.secrets.Secret;
import dev.switchboard.schemas.Task;
import dev.switchboard.schemas.spi.DeliveryResult;
import dev.switchboard.schemas.spi.TaskSink;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * POSTs each task as JSON (the task, or the body template's output) with the task id as
 * {@code Idempotency-Key}, signed per Standard Webhooks when a secret is configured; a 409 means the
 * receiver already has it. The n8n and Zapier sinks are this sink, configured for their receivers.
 */
public class WebhookSink extends HttpTaskSink implements TaskSink {

    private final URI uri;
    private final Map<String, String> headers;
    private final TaskBodyTemplate bodyTemplate;

    /**
     * @param uriRedactor  hides the parts of {@code uri} that are secret (its query values; all of a Zapier hook's path)
     * @param bodyTemplate the body as a template over the task, or null to send the task itself
     */
    WebhookSink(String name, URI uri, Redactor uriRedactor, Map<String, String> headers, Optional<Secret> signingSecret,
                TaskBodyTemplate bodyTemplate, HttpDelivery http) {
        super(name, signingSecret.map(secret -> new Credential("Signing secret", secret)), uriRedactor, http);
        this.uri = uri;
        this.headers = Map.copyOf(headers);
        this.bodyTemplate = bodyTemplate;
    }

    @Override
    protected Prepared prepare(Task task, Call call) {
        byte[] body;
        if (bodyTemplate != null) {
            TaskBodyTemplate.Rendered rendered = bodyTemplate.render(task);
            if (rendered.body() == null) {
                return new Decided(new DeliveryResult.Rejected(call.redactor().redact(rendered.problem())));
            }
            body = rendered.body().getBytes(StandardCharsets.UTF_8);
        } else {
            try {
                body = JSON.writeValueAsBytes(task);
            } catch (JsonProcessingException e) {
                return new Decided(new DeliveryResult.Rejected("Task cannot be written as JSON: " + e.getOriginalMessage()));
            }
        }
        HttpRequest.Builder request = http.request(uri)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", task.id())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        if (call.credential() != null) {
            long now = Instant.now().getEpochSecond();
            request.header(StandardWebhooks.ID, task.id())
                    .header(StandardWebhooks.TIMESTAMP, Long.toString(now))
                    .header(StandardWebhooks.SIGNATURE, StandardWebhooks.sign(StandardWebhooks.key(call.credential()), task.id(), now, body));
        }
        return new Send(request.build());
    }

    @Override
    protected Optional<String> alreadyDelivered(HttpDelivery.Answer answer, Task task) {
        // the receiver says it already has this idempotency key: the task is there
        return answer.status() == 409 ? Optional.of("HTTP 409: already delivered") : Optional.empty();
    }
}
