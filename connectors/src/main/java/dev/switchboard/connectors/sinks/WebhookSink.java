package dev.switchboard.connectors.sinks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.function.UnaryOperator;

/**
 * Sends tasks to a webhook: the webhook, n8n and Zapier sinks differ only in how they are
 * configured. POSTs JSON (the task, or the body template's output) with the task id as
 * {@code Idempotency-Key}, and signs it per Standard Webhooks when a secret is configured.
 */
final class WebhookSender implements TaskSink {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final URI uri;
    private final Redactor uriRedactor;
    private final Map<String, String> headers;
    private final Optional<Secret> signingSecret;
    private final TaskBodyTemplate bodyTemplate;
    private final HttpDelivery http;

    /**
     * @param uriRedactor hides the parts of {@code uri} that are secret (all of a Zapier hook URL's path)
     * @param bodyTemplate the body as a template over the task, or null to send the task itself
     */
    WebhookSender(String name, URI uri, Redactor uriRedactor, Map<String, String> headers, Optional<Secret> signingSecret,
                  TaskBodyTemplate bodyTemplate, HttpDelivery http) {
        this.name = name;
        this.uri = uri;
        this.uriRedactor = uriRedactor;
        this.headers = headers == null ? Map.of() : Map.copyOf(headers);
        this.signingSecret = signingSecret;
        this.bodyTemplate = bodyTemplate;
        this.http = http;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public DeliveryResult deliver(Task task) {
        Redactor redactor = uriRedactor;
        byte[] key = null;
        if (signingSecret.isPresent()) {
            Optional<String> secret = signingSecret.get().value();
            if (secret.isEmpty()) {
                return new DeliveryResult.Retry("Signing secret from " + signingSecret.get().describe() + " is not available", null);
            }
            redactor = redactor.and(secret.get());
            key = StandardWebhooks.key(secret.get());
        }
        byte[] body;
        if (bodyTemplate != null) {
            TaskBodyTemplate.Rendered rendered = bodyTemplate.render(task);
            if (rendered.body() == null) {
                return new DeliveryResult.Rejected(redactor.redact(rendered.problem()));
            }
            body = rendered.body().getBytes(StandardCharsets.UTF_8);
        } else {
            try {
                body = JSON.writeValueAsBytes(task);
            } catch (JsonProcessingException e) {
                return new DeliveryResult.Rejected("Task cannot be written as JSON: " + e.getOriginalMessage());
            }
        }
        HttpRequest.Builder request = http.request(uri)
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", task.id())
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        if (key != null) {
            long now = Instant.now().getEpochSecond();
            request.header(StandardWebhooks.ID, task.id())
                    .header(StandardWebhooks.TIMESTAMP, Long.toString(now))
                    .header(StandardWebhooks.SIGNATURE, StandardWebhooks.sign(key, task.id(), now, body));
        }
        HttpDelivery.Outcome outcome = http.send(request.build(), redactor);
        if (outcome instanceof HttpDelivery.Failure failure) {
            return failure.result();
        }
        HttpDelivery.Answer answer = (HttpDelivery.Answer) outcome;
        if (answer.status() == 409) {
            // The receiver says it already has this idempotency key: the task is there.
            return new DeliveryResult.Delivered("HTTP 409: already delivered");
        }
        return HttpDelivery.result(answer, UnaryOperator.identity(), redactor);
    }
}
