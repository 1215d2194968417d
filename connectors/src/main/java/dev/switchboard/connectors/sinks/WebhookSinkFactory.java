package dev.switchboard.connectors.sinks;

import dev.switchboard.connectors.http.HttpDelivery;
import dev.switchboard.connectors.http.HttpTimeout;
import dev.switchboard.connectors.http.OutboundPolicy;
import dev.switchboard.connectors.http.SigningSecret;
import dev.switchboard.connectors.secrets.Redactor;
import dev.switchboard.connectors.secrets.Secret;
import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.options.Example;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.options.OptionGroup;
import dev.switchboard.schemas.options.OptionProblem;
import dev.switchboard.schemas.spi.SinkEnvironment;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Makes {@link WebhookSink}s: each task POSTed as JSON to an HTTP endpoint (n8n, Zapier, any
 * webhook), its id as {@code Idempotency-Key} (and as Standard Webhooks' {@code webhook-id}), signed
 * with Standard Webhooks HMAC-SHA256 when a secret is configured, no redirects followed, only hosts in
 * {@code outbound.allowed_hosts} reached. With {@code body}, the JSON is a template over the task
 * instead of the task itself.
 */
public final class WebhookSinkFactory extends StandardWebhookSinkFactory<WebhookSinkFactory.Options> {

    public WebhookSinkFactory() {
        super(Options.class);
    }

    @Documentation(name = "webhook", summary = "POSTs each task as JSON to an HTTP endpoint, with an idempotency key and an optional Standard Webhooks signature.",
            description = """
                    Idempotency: the task id goes out as `Idempotency-Key` and, when signed, as `webhook-id`; a receiver
                    that keeps the ids it has seen drops a redelivered task. A `409` answer counts as delivered.

                    With `body`, the request body is a JSON template over the task: `{{ task.title }}`, `{{ task.body }}`,
                    `{{ task.fields.label }}`, ... Where a placeholder stands decides the JSON type it inserts, so event
                    data cannot change the body's shape: inside quotes, the value is escaped as string content; outside
                    quotes, `{{ task.fields.<name> }}` is a number (a task whose value is not one is rejected, never sent
                    with `{}`, `[...]` or `true` there), `{{ task.fields }}` the fields object and `{{ task.lineage }}` the
                    model calls. Any other placeholder outside quotes is refused. The result must be valid JSON.
                    """)
    @Example(title = "n8n webhook with a signature", yaml = """
            triage-n8n:
              webhook:
                url: https://n8n.example.com/webhook/triage
                secret_env: N8N_WEBHOOK_SECRET
                timeout_seconds: 10
            """)
    @Example(title = "Ops dashboard with its own JSON shape", yaml = """
            ops-dashboard:
              webhook:
                url: https://ops.example.com/api/incidents
                headers:
                  X-Source: switchboard
                body: |
                  {"summary": "{{ task.title }}", "details": "{{ task.body }}", "severity": "{{ task.priority }}",
                   "due": "{{ task.dueDate }}", "labels": ["{{ task.fields.label }}"], "confidence": "{{ task.fields.confidence }}",
                   "external_id": "{{ task.id }}"}
                secret_file: /run/secrets/ops-dashboard-webhook
            """)
    public record Options(
            @Option(description = "The endpoint URL (http or https). Its host must be listed in `outbound.allowed_hosts`.", required = true)
            String url,
            @Option(description = "The request body as a JSON template over the task (`{{ task.title }}`, `{{ task.fields.label }}`, ...): inside quotes a value is escaped text, outside quotes `task.fields.<name>` a number. Without it the body is the task itself.", template = true)
            String body,
            @Option(description = "Extra request headers. Values are literal; do not put secrets here, use `secret_env`.")
            Map<String, String> headers,
            @OptionGroup SigningSecret signing,
            @OptionGroup HttpTimeout timeout) implements SigningOptions {
    }

    @Override
    protected List<OptionProblem> checkDestination(Options options, SinkEnvironment environment) {
        List<OptionProblem> problems = new ArrayList<>(new OutboundPolicy(environment.allowedHosts())
                .check("url", options.url(), Redactor.none()));
        if (options.body() != null) {
            problems.addAll(TaskBodyTemplate.check(options.body(), "body"));
        }
        return problems;
    }

    @Override
    protected WebhookSink create(String name, Options options, SinkEnvironment environment, Optional<Secret> signingSecret,
                                 HttpDelivery http) {
        return new WebhookSink(name, URI.create(options.url()), Redactor.of(Redactor.queryValues(options.url())),
                Objects.requireNonNullElse(options.headers(), Map.of()), signingSecret,
                options.body() == null ? null : TaskBodyTemplate.parse(options.body()), http);
    }
}
