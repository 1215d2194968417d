package dev.switchboard.connectors.sinks;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.connectors.http.OutboundPolicy;
import dev.switchboard.schemas.Task;
import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.options.Example;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.spi.DeliveryResult;
import dev.switchboard.schemas.spi.SinkEnvironment;
import dev.switchboard.schemas.spi.SinkFactory;
import dev.switchboard.schemas.spi.TaskSink;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * POSTs each task as JSON to an HTTP endpoint (n8n, Zapier, any webhook). Sends the task id as
 * {@code Idempotency-Key} (and as Standard Webhooks' {@code webhook-id}), signs the body with
 * Standard Webhooks HMAC-SHA256 when a secret is configured, follows no redirects on its own, and
 * reaches only hosts in {@code outbound.allowed_hosts}.
 */
public final class WebhookSink implements SinkFactory<WebhookSink.Options> {

    @Documentation(name = "webhook", summary = "POSTs each task as JSON to an HTTP endpoint, with an idempotency key and an optional Standard Webhooks signature.")
    @Example(title = "n8n webhook with a signature", yaml = """
            triage-n8n:
              webhook:
                url: https://n8n.example.com/webhook/triage
                secret_env: N8N_WEBHOOK_SECRET
                timeout_seconds: 10
            """)
    public record Options(
            @Option(description = "The endpoint URL (http or https). Its host must be listed in `outbound.allowed_hosts`.", required = true)
            String url,
            @Option(description = "Extra request headers. Values are literal; do not put secrets here, use `secret_env`.")
            Map<String, String> headers,
            @Option(description = "Environment variable holding the Standard Webhooks secret (`whsec_` + base64, or any string). When set, requests carry `webhook-id`, `webhook-timestamp` and `webhook-signature`.", secret = true)
            @JsonProperty("secret_env") String secretEnv,
            @Option(description = "Timeout of one request, in seconds.", defaultValue = "10", minimum = 1, maximum = 300)
            @JsonProperty("timeout_seconds") Integer timeoutSeconds) {
    }

    @Override
    public Class<Options> optionsType() {
        return Options.class;
    }

    @Override
    public List<String> check(Options options, SinkEnvironment environment) {
        List<String> problems = new ArrayList<>();
        URI uri;
        try {
            uri = URI.create(options.url());
        } catch (IllegalArgumentException e) {
            return List.of("Invalid URL at url: got '" + options.url() + "', expected an absolute http(s) URL");
        }
        new OutboundPolicy(environment.allowedHosts()).refusal(uri).ifPresent(problems::add);
        if (options.secretEnv() != null && environment.secret(options.secretEnv()).isEmpty()) {
            problems.add("Missing secret at secret_env: environment variable '" + options.secretEnv()
                    + "' is not set. Set it, or remove secret_env to send unsigned requests");
        }
        return problems;
    }

    @Override
    public TaskSink create(String name, Options options, SinkEnvironment environment) {
        byte[] key = options.secretEnv() == null ? null
                : environment.secret(options.secretEnv()).map(WebhookSink::secretKey).orElse(null);
        return new Sender(name, URI.create(options.url()), options.headers() == null ? Map.of() : options.headers(),
                key, Duration.ofSeconds(options.timeoutSeconds() == null ? 10 : options.timeoutSeconds()),
                new OutboundPolicy(environment.allowedHosts()));
    }

    /** Standard Webhooks: a {@code whsec_} secret is base64 after the prefix; anything else is used as UTF-8 bytes. */
    static byte[] secretKey(String secret) {
        if (secret.startsWith("whsec_")) {
            return Base64.getDecoder().decode(secret.substring("whsec_".length()));
        }
        return secret.getBytes(StandardCharsets.UTF_8);
    }

    /** {@code v1,} + base64 HMAC-SHA256 of {@code id.timestamp.body}, as Standard Webhooks specifies. */
    public static String sign(byte[] key, String id, long timestampSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            mac.update((id + "." + timestampSeconds + ".").getBytes(StandardCharsets.UTF_8));
            return "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    /** Reads {@code Retry-After} as seconds or an HTTP date; null when absent or unreadable. */
    static Duration retryAfter(Optional<String> header) {
        if (header.isEmpty()) {
            return null;
        }
        String value = header.get().trim();
        try {
            return Duration.ofSeconds(Math.max(0, Long.parseLong(value)));
        } catch (NumberFormatException notSeconds) {
            try {
                Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
                Duration wait = Duration.between(Instant.now(), at);
                return wait.isNegative() ? Duration.ZERO : wait;
            } catch (DateTimeParseException notDate) {
                return null;
            }
        }
    }

    private static final class Sender implements TaskSink {
        private static final ObjectMapper JSON = new ObjectMapper();
        private final String name;
        private final URI uri;
        private final Map<String, String> headers;
        private final byte[] key;
        private final Duration timeout;
        private final OutboundPolicy policy;
        private final HttpClient client;

        Sender(String name, URI uri, Map<String, String> headers, byte[] key, Duration timeout, OutboundPolicy policy) {
            this.name = name;
            this.uri = uri;
            this.headers = Map.copyOf(headers);
            this.key = key;
            this.timeout = timeout;
            this.policy = policy;
            this.client = HttpClient.newBuilder()
                    .connectTimeout(timeout)
                    .followRedirects(HttpClient.Redirect.NEVER)
                    .build();
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public DeliveryResult deliver(Task task) {
            Optional<String> refusal = policy.refusal(uri);
            if (refusal.isPresent()) {
                return new DeliveryResult.Rejected(refusal.get());
            }
            byte[] body;
            try {
                body = JSON.writeValueAsBytes(task);
            } catch (JsonProcessingException e) {
                return new DeliveryResult.Rejected("Task cannot be written as JSON: " + e.getOriginalMessage());
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                    .timeout(timeout)
                    .header("Content-Type", "application/json")
                    .header("Idempotency-Key", task.id())
                    .header("User-Agent", "Switchboard")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            headers.forEach(request::header);
            if (key != null) {
                long now = Instant.now().getEpochSecond();
                request.header("webhook-id", task.id())
                        .header("webhook-timestamp", Long.toString(now))
                        .header("webhook-signature", sign(key, task.id(), now, body));
            }
            HttpResponse<String> response;
            try {
                response = client.send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (HttpTimeoutException e) {
                return new DeliveryResult.Retry("Timed out after " + timeout.toSeconds() + " s calling " + OutboundPolicy.redact(uri), null);
            } catch (IOException e) {
                return new DeliveryResult.Retry("Connection failed to " + OutboundPolicy.redact(uri) + ": " + e, null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new DeliveryResult.Retry("Interrupted", null);
            }
            int status = response.statusCode();
            if (status >= 200 && status < 300) {
                return new DeliveryResult.Delivered("HTTP " + status);
            }
            String detail = "HTTP " + status + " from " + OutboundPolicy.redact(uri) + ": " + abbreviate(response.body());
            if (status == 429 || status == 408 || status >= 500) {
                return new DeliveryResult.Retry(detail, retryAfter(response.headers().firstValue("Retry-After")));
            }
            if (status == 409) {
                // The receiver says it already has this idempotency key: the task is there.
                return new DeliveryResult.Delivered("HTTP 409: already delivered");
            }
            if (status >= 300 && status < 400) {
                return new DeliveryResult.Rejected(detail + ". Redirects are not followed; configure the final URL");
            }
            return new DeliveryResult.Rejected(detail);
        }

        private static String abbreviate(String text) {
            if (text == null) {
                return "";
            }
            return text.length() > 300 ? text.substring(0, 300) + "…" : text;
        }
    }
}
