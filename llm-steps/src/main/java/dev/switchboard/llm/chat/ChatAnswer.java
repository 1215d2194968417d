package dev.switchboard.llm.chat;

import java.time.Duration;
import java.util.List;

/**
 * What one chat call returned: the content with its token counts, or why there is none. Earlier
 * attempts that were retried come along, so each can be accounted.
 *
 * @param content        the answer text, or null on failure
 * @param truncated      the answer was cut off at {@code max_tokens}
 * @param tokensIn       prompt tokens the endpoint reported
 * @param tokensOut      completion tokens the endpoint reported
 * @param latencyMillis  wall time of this attempt
 * @param model          the model the endpoint reported, or the configured one
 * @param failure        why there is no answer, or null
 * @param earlier        failed attempts before this one, oldest first
 */
public record ChatAnswer(String content, boolean truncated, long tokensIn, long tokensOut, double latencyMillis,
                         String model, Failure failure, List<ChatAnswer> earlier) {

    public ChatAnswer {
        earlier = earlier == null ? List.of() : List.copyOf(earlier);
    }

    /** What kind of failure, for accounting ({@code outcome}) and fall-through decisions. */
    public enum Kind {
        /** The endpoint answered with an HTTP error status. */
        HTTP("error"),
        /** No answer within {@code timeout_seconds}. */
        TIMEOUT("error"),
        /** Refused or dropped connections, unknown hosts. */
        CONNECTION("error"),
        /** The circuit breaker is open: the endpoint failed too often lately and is not called. */
        CIRCUIT_OPEN("circuit_open"),
        /** Our own limits (concurrency, requests or tokens per minute) did not admit the call in time. */
        ADMISSION("throttled"),
        /** Anything else: a bug or an answer LangChain4j could not read. */
        OTHER("error");

        private final String outcome;

        Kind(String outcome) {
            this.outcome = outcome;
        }

        public String outcome() {
            return outcome;
        }
    }

    /**
     * @param status     the HTTP status, or 0
     * @param retriable  whether the same call may succeed later
     * @param retryAfter what the endpoint asked for, or null
     */
    public record Failure(Kind kind, int status, String message, boolean retriable, Duration retryAfter) {

        public String outcome() {
            return kind.outcome();
        }
    }

    public static ChatAnswer of(String content, boolean truncated, long tokensIn, long tokensOut, double latencyMillis, String model) {
        return new ChatAnswer(content, truncated, tokensIn, tokensOut, latencyMillis, model, null, List.of());
    }

    public static ChatAnswer failed(Failure failure, double latencyMillis, String model) {
        return new ChatAnswer(null, false, 0, 0, latencyMillis, model, failure, List.of());
    }

    public boolean ok() {
        return failure == null;
    }

    public ChatAnswer withEarlier(List<ChatAnswer> attempts) {
        return new ChatAnswer(content, truncated, tokensIn, tokensOut, latencyMillis, model, failure, attempts);
    }
}
