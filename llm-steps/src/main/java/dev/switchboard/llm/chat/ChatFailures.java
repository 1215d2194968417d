package dev.switchboard.llm.chat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.RetriableException;
import java.io.IOException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;

/**
 * The one place that decides what a failed call means: retriable or not, and a message that says
 * how to fix it. Rate limits, server errors, timeouts, refused or dropped connections, unresolved
 * hosts and interrupted calls are retriable; a rejected request (bad key, unknown model, invalid
 * parameters) is not.
 */
public final class ChatFailures {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int QUOTE_LIMIT = 200;

    private ChatFailures() {
    }

    public static boolean isRetriableStatus(int httpStatus) {
        return httpStatus == 408 || httpStatus == 429 || httpStatus >= 500;
    }

    public static boolean isRetriable(Throwable error) {
        HttpException http = find(error, HttpException.class);
        if (http != null) {
            return isRetriableStatus(http.statusCode());
        }
        // LangChain4j calls an unresolved host permanent; a DNS outage must not dead-letter every event.
        if (find(error, IOException.class) != null || find(error, UnresolvedAddressException.class) != null
                || find(error, InterruptedException.class) != null) {
            return true;
        }
        return find(error, RetriableException.class) != null;
    }

    /** The failure of a call to {@code endpoint} ("model 'x' at http://..."), with a hint where there is one. */
    public static ChatAnswer.Failure failure(Throwable error, String endpoint, int timeoutSeconds) {
        boolean retriable = isRetriable(error);
        HttpException http = find(error, HttpException.class);
        if (http != null) {
            String hint = switch (http.statusCode()) {
                case 401, 403 -> " Check the API key in the environment variable named by `api_key_env`.";
                case 404 -> " Check `base_url` and `model`.";
                default -> "";
            };
            return new ChatAnswer.Failure(ChatAnswer.Kind.HTTP, http.statusCode(), "Call to " + endpoint + " failed with HTTP "
                    + http.statusCode() + " '" + quote(errorMessage(http)) + "'." + hint, retriable,
                    http instanceof RetryAfterException withRetryAfter ? withRetryAfter.retryAfter() : null);
        }
        if (find(error, UnresolvedAddressException.class) != null) {
            return new ChatAnswer.Failure(ChatAnswer.Kind.CONNECTION, 0, "Cannot reach " + endpoint + ": unknown host. Check `base_url`.",
                    retriable, null);
        }
        if (find(error, HttpTimeoutException.class) != null || error instanceof dev.langchain4j.exception.TimeoutException) {
            return new ChatAnswer.Failure(ChatAnswer.Kind.TIMEOUT, 0, "Call to " + endpoint + " timed out after " + timeoutSeconds
                    + " s. Raise `timeout_seconds` if the model is slow.", true, null);
        }
        IOException io = find(error, IOException.class);
        if (io != null) {
            return new ChatAnswer.Failure(ChatAnswer.Kind.CONNECTION, 0, "Cannot reach " + endpoint + ": " + io.getClass().getSimpleName()
                    + (io.getMessage() == null ? "" : " " + quote(io.getMessage())) + ".", retriable, null);
        }
        return new ChatAnswer.Failure(ChatAnswer.Kind.OTHER, 0, "Call to " + endpoint + " failed: " + error.getClass().getSimpleName()
                + (error.getMessage() == null ? "" : " " + quote(error.getMessage())) + ".", retriable, null);
    }

    /** The {@code error.message} of an OpenAI-shaped error body, else the body itself. */
    static String errorMessage(HttpException http) {
        try {
            JsonNode message = JSON.readTree(http.getMessage()).path("error").path("message");
            return message.isTextual() ? message.asText() : http.getMessage();
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return http.getMessage();
        }
    }

    public static String quote(String text) {
        if (text == null) {
            return "(nothing)";
        }
        return text.length() <= QUOTE_LIMIT ? text : text.substring(0, QUOTE_LIMIT) + "...";
    }

    public static <T extends Throwable> T find(Throwable error, Class<T> type) {
        for (Throwable cause = error; cause != null; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (type.isInstance(cause)) {
                return type.cast(cause);
            }
        }
        return null;
    }
}
