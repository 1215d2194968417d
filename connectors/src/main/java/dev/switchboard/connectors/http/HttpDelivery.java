package dev.switchboard.connectors.http;

import dev.switchboard.connectors.secrets.Redactor;
import dev.switchboard.schemas.spi.DeliveryResult;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every HTTP sink shares: the outbound policy checked before each request, a JDK client that
 * follows no redirect (a redirect is answered, not followed, so no hop escapes the policy),
 * timeouts, and the mapping from an answer to a {@link DeliveryResult}: 2xx delivered; 408, 429
 * and 5xx retried, honouring {@code Retry-After}; any other status rejected with the vendor's own
 * message, shortened. Every reason and log line passes through the sink's {@link Redactor} and
 * names the URL without its query, so no token reaches a dead letter or a log.
 */
public final class HttpDelivery {

    private static final Logger LOG = LoggerFactory.getLogger(HttpDelivery.class);
    private static final int MAX_MESSAGE = 300;

    /** How a call ended: an answer with any status, or a result decided without one. */
    public sealed interface Outcome permits Answer, Failure {
    }

    /** The endpoint answered. */
    public record Answer(URI uri, int status, HttpHeaders headers, String body) implements Outcome {
        public boolean successful() {
            return status >= 200 && status < 300;
        }
    }

    /** No answer: refused by the policy (rejected), or a timeout or connection failure (retry). */
    public record Failure(DeliveryResult result) implements Outcome {
    }

    private final OutboundPolicy policy;
    private final Duration timeout;
    private final HttpClient client;

    public HttpDelivery(OutboundPolicy policy, Duration timeout) {
        this.policy = policy;
        this.timeout = timeout;
        this.client = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .build();
    }

    /**
     * A request to {@code uri} with this delivery's timeout and user agent. To a plain-http URL it is
     * HTTP/1.1: the JDK's default would offer {@code Upgrade: h2c}, which proxies and small servers
     * answer badly; a caller that wants HTTP/2 there says so with {@code version(...)} on the builder.
     * Over https HTTP/2 is negotiated by TLS, with no upgrade request.
     */
    public HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri).timeout(timeout).header("User-Agent", "Switchboard");
        if ("http".equalsIgnoreCase(uri.getScheme())) {
            builder.version(HttpClient.Version.HTTP_1_1);
        }
        return builder;
    }

    public Duration timeout() {
        return timeout;
    }

    /** Checks the policy, then sends; any status comes back as an {@link Answer}. */
    public Outcome send(HttpRequest request, Redactor redactor) {
        URI uri = request.uri();
        Optional<String> refusal = policy.refusal(uri);
        if (refusal.isPresent()) {
            return new Failure(new DeliveryResult.Rejected(redactor.redact(refusal.get())));
        }
        long start = System.nanoTime();
        HttpResponse<String> response;
        try {
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (HttpTimeoutException e) {
            return new Failure(new DeliveryResult.Retry("Timed out after " + timeout.toSeconds() + " s calling "
                    + display(uri, redactor), null));
        } catch (IOException e) {
            return new Failure(new DeliveryResult.Retry(redactor.redact("Connection failed to " + display(uri, redactor) + ": " + e), null));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Failure(new DeliveryResult.Retry("Interrupted", null));
        }
        if (LOG.isDebugEnabled()) {
            LOG.debug("{} {} answered HTTP {} in {} ms", request.method(), display(uri, redactor), response.statusCode(),
                    (System.nanoTime() - start) / 1_000_000);
        }
        return new Answer(uri, response.statusCode(), response.headers(), response.body());
    }

    /**
     * The standard result of an answer: 2xx delivered ({@code HTTP <status>}); 408, 429 and 5xx
     * retried after {@code Retry-After}; 3xx rejected as a redirect not followed; any other status
     * rejected. {@code errorMessage} turns the vendor's documented error body into its message.
     */
    public static DeliveryResult result(Answer answer, UnaryOperator<String> errorMessage, Redactor redactor) {
        int status = answer.status();
        if (answer.successful()) {
            return new DeliveryResult.Delivered("HTTP " + status);
        }
        String detail = "HTTP " + status + " from " + display(answer.uri(), redactor) + ": "
                + abbreviate(redactor.redact(message(answer.body(), errorMessage)));
        if (retriable(status)) {
            return new DeliveryResult.Retry(detail, retryAfter(answer.headers().firstValue("Retry-After")));
        }
        if (status >= 300 && status < 400) {
            return new DeliveryResult.Rejected(detail + ". Redirects are not followed; configure the final URL");
        }
        return new DeliveryResult.Rejected(detail);
    }

    /** 408, 429 and 5xx: the same request may succeed later. */
    public static boolean retriable(int status) {
        return status == 408 || status == 429 || status >= 500;
    }

    /** The URL without query and user info, with secret parts (a Zapier hook key in the path) redacted. */
    public static String display(URI uri, Redactor redactor) {
        return redactor.redact(OutboundPolicy.redact(uri));
    }

    /** Reads {@code Retry-After} as seconds or an HTTP date; null when absent or unreadable. */
    public static Duration retryAfter(Optional<String> header) {
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

    /** At most 300 characters, then an ellipsis: enough to act on, short enough for a header. */
    public static String abbreviate(String text) {
        if (text == null) {
            return "";
        }
        return text.length() > MAX_MESSAGE ? text.substring(0, MAX_MESSAGE) + "…" : text;
    }

    private static String message(String body, UnaryOperator<String> errorMessage) {
        if (body == null || body.isBlank()) {
            return "";
        }
        try {
            String message = errorMessage.apply(body);
            return message == null || message.isBlank() ? body : message;
        } catch (RuntimeException unreadable) {
            return body; // not the documented shape (a proxy's HTML page, say): show what came
        }
    }
}
