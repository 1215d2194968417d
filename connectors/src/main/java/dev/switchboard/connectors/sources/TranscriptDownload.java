package dev.switchboard.connectors.sources;

import dev.switchboard.connectors.http.OutboundPolicy;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Fetches a file a call platform names in its webhook (a transcript), with the token it gives for it, under
 * the outbound policy: every hop of a redirect is checked against {@code outbound.allowed_hosts}, the token
 * goes only to the host it was issued for, the body is read up to a limit, and a reason never carries the
 * token or a URL's query. The answer says whether the sender should deliver again (the platform is down or
 * slow) or never (the file or the token is gone, the host is not allowed).
 */
record TranscriptDownload(OutboundPolicy policy, Duration timeout, int maxBytes, HttpClient client) {

    private static final int MAX_REDIRECTS = 3;

    /** What a download came to. */
    sealed interface Result permits Fetched, Refused, Unavailable {
    }

    /** The file's text. */
    record Fetched(String text) implements Result {
    }

    /** Never to be had with this request: answer 400. */
    record Refused(String reason) implements Result {
    }

    /** Not to be had now: answer 503, so the sender delivers again. */
    record Unavailable(String reason) implements Result {
    }

    // redirects are followed by hand, so that every hop is checked against the policy
    TranscriptDownload(OutboundPolicy policy, Duration timeout, int maxBytes) {
        this(policy, timeout, maxBytes, HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build());
    }

    Result fetch(URI url, String token) {
        URI current = url;
        for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
            Optional<String> refusal = policy.refusal(current);
            if (refusal.isPresent()) {
                return new Refused("Transcript download refused: " + refusal.get());
            }
            HttpRequest.Builder request = HttpRequest.newBuilder(current).timeout(timeout).header("User-Agent", "Switchboard").GET();
            if ("http".equalsIgnoreCase(current.getScheme())) {
                request.version(HttpClient.Version.HTTP_1_1);
            }
            if (token != null && sameOrigin(url, current)) {
                request.header("Authorization", "Bearer " + token);
            }
            HttpResponse<InputStream> response;
            try {
                response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            } catch (HttpTimeoutException e) {
                return new Unavailable("Transcript download from " + OutboundPolicy.redact(current) + " timed out after " + timeout.toSeconds() + " s");
            } catch (IOException e) {
                return new Unavailable("Transcript download from " + OutboundPolicy.redact(current) + " failed: " + e.getClass().getSimpleName());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Unavailable("Shutting down");
            }
            int status = response.statusCode();
            if (status / 100 == 3) {
                close(response);
                Optional<URI> location = response.headers().firstValue("Location").map(current::resolve);
                if (location.isEmpty()) {
                    return new Refused("Transcript download from " + OutboundPolicy.redact(current) + " answered " + status + " without a Location");
                }
                current = location.get();
                continue;
            }
            if (status == 200) {
                return read(response, current);
            }
            close(response);
            String what = "Transcript download from " + OutboundPolicy.redact(current) + " answered HTTP " + status;
            return status == 408 || status == 429 || status >= 500
                    ? new Unavailable(what + "; Zoom delivers the webhook again later")
                    : new Refused(what + ": the file or its download_token is no longer valid (a download_token lasts 24 hours)");
        }
        return new Refused("Transcript download from " + OutboundPolicy.redact(url) + " redirected more than " + MAX_REDIRECTS + " times");
    }

    private Result read(HttpResponse<InputStream> response, URI from) {
        try (InputStream body = response.body()) {
            byte[] bytes = body.readNBytes(maxBytes + 1);
            if (bytes.length > maxBytes) {
                return new Refused("Transcript at " + OutboundPolicy.redact(from) + " is over max_transcript_bytes (" + maxBytes + " bytes)");
            }
            return new Fetched(new String(bytes, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return new Unavailable("Transcript download from " + OutboundPolicy.redact(from) + " broke off: " + e.getClass().getSimpleName());
        }
    }

    /** The token is the platform's credential: a redirect to another host (a storage bucket with a signed URL) does not get it. */
    private static boolean sameOrigin(URI a, URI b) {
        return lower(a.getScheme()).equals(lower(b.getScheme())) && lower(a.getHost()).equals(lower(b.getHost())) && a.getPort() == b.getPort();
    }

    private static String lower(String text) {
        return text == null ? "" : text.toLowerCase(Locale.ROOT);
    }

    private static void close(HttpResponse<InputStream> response) {
        try {
            response.body().close();
        } catch (IOException ignored) {
            // the answer is read; closing is best effort
        }
    }
}
