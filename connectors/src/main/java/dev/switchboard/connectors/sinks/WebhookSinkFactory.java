package dev.switchboard.connectors.sinks;

import dev.switchboard.schemas.options.OptionProblem;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.connectors.http.HttpDelivery;
import dev.switchboard.connectors.http.OutboundPolicy;
import dev.switchboard.connectors.http.StandardWebhooks;
import dev.switchboard.connectors.secrets.Redactor;
import dev.switchboard.connectors.secrets.Secret;
import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.options.Example;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.spi.SinkEnvironment;
import dev.switchboard.schemas.spi.SinkFactory;
import dev.switchboard.schemas.spi.TaskSink;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * POSTs each task as JSON to an HTTP endpoint (n8n, Zapier, any webhook). Sends the task id as
 * {@code Idempotency-Key} (and as Standard Webhooks' {@code webhook-id}), signs the body with
 * Standard Webhooks HMAC-SHA256 when a secret is configured, follows no redirects on its own, and
 * reaches only hosts in {@code outbound.allowed_hosts}. With {@code body}, the JSON is a template
 * over the task instead of the task itself.
 */
public final class WebhookSink implements SinkFactory<WebhookSink.Options> {

    @Documentation(name = "webhook", summary = "POSTs each task as JSON to an HTTP endpoint, with an idempotency key and an optional Standard Webhooks signature.",
            description = """
                    Idempotency: the task id goes out as `Idempotency-Key` and, when signed, as `webhook-id`; a receiver
                    that keeps the ids it has seen drops a redelivered task. A `409` answer counts as delivered.

                    With `body`, the request body is a JSON template over the task: `{{ task.title }}`, `{{ task.body }}`,
                    `{{ task.fields.label }}`, ... Inserted values are escaped as JSON string content, so put placeholders
                    for text inside quotes; numbers may stand bare. The result must be valid JSON.
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
            @Option(description = "Extra request headers. Values are literal; do not put secrets here, use `secret_env`.")
            Map<String, String> headers,
            @Option(description = "The request body as a JSON template over the task (`{{ task.title }}`, `{{ task.fields.label }}`, ...); values are JSON-escaped. Without it the body is the task itself.", template = true)
            String body,
            @Option(description = "Environment variable holding the Standard Webhooks secret (`whsec_` + base64, or any string). When set, requests carry `webhook-id`, `webhook-timestamp` and `webhook-signature`.", secret = true)
            @JsonProperty("secret_env") String secretEnv,
            @Option(description = "File holding the Standard Webhooks secret (a mounted secret), instead of `secret_env`; read at each request, so rotation needs no restart.", secret = true)
            @JsonProperty("secret_file") String secretFile,
            @Option(description = "Timeout of one request, in seconds.", defaultValue = "10", minimum = 1, maximum = 300)
            @JsonProperty("timeout_seconds") Integer timeoutSeconds) {

        /** The options before the body template and secret files. */
        public Options(String url, Map<String, String> headers, String secretEnv, Integer timeoutSeconds) {
            this(url, headers, null, secretEnv, null, timeoutSeconds);
        }
    }

    @Override
    public Class<Options> optionsType() {
        return Options.class;
    }

    @Override
    @SuppressWarnings("removal")
    public List<OptionProblem> check(Options options, SinkEnvironment environment) {
        return checkMessages(options, environment).stream().map(OptionProblem::fromMessage).toList();
    }

    private List<String> checkMessages(Options options, SinkEnvironment environment) {
        List<String> problems = new ArrayList<>(checkUrl(options.url(), "url", environment, Redactor.none()));
        problems.addAll(checkSigningSecret(options.secretEnv(), options.secretFile(), environment));
        if (options.body() != null) {
            problems.addAll(TaskBodyTemplate.check(options.body(), "body"));
        }
        return problems;
    }

    @Override
    public TaskSink create(String name, Options options, SinkEnvironment environment) {
        return new WebhookSender(name, URI.create(options.url()), Redactor.of(Redactor.queryValues(options.url())), options.headers(),
                signingSecret(options.secretEnv(), options.secretFile(), environment),
                options.body() == null ? null : TaskBodyTemplate.parse(options.body()),
                new HttpDelivery(new OutboundPolicy(environment.allowedHosts()), timeout(options.timeoutSeconds())));
    }

    /** {@code v1,} + base64 HMAC-SHA256 of {@code id.timestamp.body}, as Standard Webhooks specifies. */
    public static String sign(byte[] key, String id, long timestampSeconds, byte[] body) {
        return StandardWebhooks.sign(key, id, timestampSeconds, body);
    }

    // ---- shared by the webhook, n8n and Zapier sinks ---------------------------------------------

    static Duration timeout(Integer seconds) {
        return Duration.ofSeconds(seconds == null ? 10 : seconds);
    }

    /** An absolute http(s) URL that the outbound policy allows; messages pass through {@code redactor}. */
    static List<String> checkUrl(String url, String option, SinkEnvironment environment, Redactor redactor) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            return List.of("Invalid URL at " + option + ": got '" + redactor.redact(beforeQuery(url)) + "', expected an absolute http(s) URL");
        }
        return new OutboundPolicy(environment.allowedHosts()).refusal(uri).map(redactor::redact).stream().toList();
    }

    static List<String> checkSigningSecret(String secretEnv, String secretFile, SinkEnvironment environment) {
        List<String> problems = new ArrayList<>(Secret.check("secret", secretEnv, secretFile, false, environment.baseDir(), environment::secret));
        if (problems.isEmpty()) {
            signingSecret(secretEnv, secretFile, environment).flatMap(Secret::value).ifPresent(value -> {
                try {
                    StandardWebhooks.key(value);
                } catch (IllegalArgumentException e) {
                    problems.add("Invalid secret at " + (secretEnv != null ? "secret_env" : "secret_file")
                            + ": a secret starting with whsec_ must be base64 after the prefix. Copy it whole from the receiver");
                }
            });
        }
        return problems;
    }

    static Optional<Secret> signingSecret(String secretEnv, String secretFile, SinkEnvironment environment) {
        return Secret.of("secret", secretEnv, secretFile, environment.baseDir(), environment::secret);
    }

    private static String beforeQuery(String url) {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query);
    }
}
