package dev.switchboard.workflows.cli;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A running engine's admin API ({@code /admin/...} on its HTTP listener) with the admin token. A
 * connection that fails is one line that says how to fix it, not a stack trace.
 *
 * @param url   the listener, without a trailing slash
 * @param token the admin token, sent as a bearer token and never printed
 */
record AdminApi(String url, String token) {

    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    /** What the engine answered. */
    record Answer(int status, String body) {
        boolean ok() {
            return status < 300;
        }
    }

    /**
     * The API at {@code url} with the token from the environment variable {@code tokenEnv}.
     *
     * @param otherwise how else the command can work without the token, appended to the refusal; may be empty
     */
    static AdminApi connect(String url, String tokenEnv, java.util.function.Function<String, String> environment, String otherwise) {
        String token = environment.apply(tokenEnv);
        if (token == null || token.isBlank()) {
            throw CommandFailure.invalid("Set " + tokenEnv + " to the engine's admin token (admin.token_env)" + otherwise);
        }
        String base = url.replaceAll("/+$", "");
        try {
            URI uri = URI.create(base);
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException("no scheme or host");
            }
        } catch (IllegalArgumentException e) {
            throw CommandFailure.invalid("Invalid --url: got '" + url + "', expected the engine's admin listener, e.g. http://127.0.0.1:8081");
        }
        return new AdminApi(base, token);
    }

    Answer get(String path) {
        return send(HttpRequest.newBuilder(URI.create(url + path)).GET());
    }

    Answer post(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(url + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    private Answer send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = HttpClient.newHttpClient().send(request.timeout(TIMEOUT).header("Authorization", "Bearer " + token)
                    .build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body());
        } catch (ConnectException e) {
            throw CommandFailure.failed("Cannot reach the engine at " + url + ": connection refused. Start it with `switchboard run`,"
                    + " or give the address of its HTTP listener (http.port) with --url");
        } catch (HttpTimeoutException e) {
            throw CommandFailure.failed("The engine at " + url + " did not answer within " + TIMEOUT.toSeconds() + " s. Check that --url is its"
                    + " HTTP listener and that it is not overloaded");
        } catch (IOException e) {
            throw CommandFailure.failed("Cannot talk to the engine at " + url + ": " + (e.getMessage() == null ? e.getClass().getSimpleName()
                    : e.getMessage()) + ". Check --url");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw CommandFailure.failed("Interrupted while waiting for the engine at " + url);
        }
    }
}
