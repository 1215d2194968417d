package dev.switchboard.llm.chat;

import dev.switchboard.llm.ModelDefinition;
import io.github.resilience4j.bulkhead.Bulkhead;
import io.github.resilience4j.bulkhead.BulkheadConfig;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.retry.Retry;
import io.github.resilience4j.retry.RetryConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An endpoint behind the admission and resilience policy of its model definition, built with
 * resilience4j. One instance per model name, shared by every workflow, so the limits hold for the
 * endpoint as a whole. A call goes through, outermost first:
 *
 * <ol>
 *   <li>retry: a retriable failure (connection error, timeout, 429, 5xx) is tried again up to
 *       {@code retries} times, after 0.5 s, 1 s, 2 s… or the endpoint's {@code Retry-After} when that
 *       is longer; a {@code Retry-After} beyond {@code max_retry_wait_seconds} is not waited for;</li>
 *   <li>circuit breaker: after {@code circuit_failure_threshold} failures in a row the endpoint is
 *       not called for {@code circuit_open_seconds}; the call fails at once ({@code circuit_open}),
 *       so a chain falls through without waiting. Under {@code concurrency_limit: adaptive} a 429 does
 *       not count: the limit shrinks instead;</li>
 *   <li>requests-per-minute and tokens-per-minute limiters, both paced evenly (a request every 60/rpm s,
 *       a sixtieth of the tokens every second), then a bulkhead of
 *       {@code max_concurrency} calls in flight, or with {@code concurrency_limit: adaptive} an
 *       {@link AdaptiveConcurrencyLimit} below it; waits are bounded by the call timeout.</li>
 * </ol>
 *
 * Waiting happens on the calling thread; {@link CallExecutor} makes that a virtual thread on Java 21+.
 */
public final class GuardedChatEndpoint implements ChatEndpoint {

    static final Duration FIRST_BACKOFF = Duration.ofMillis(500);
    static final int INITIAL_ADAPTIVE_LIMIT = 8;
    static final double LATENCY_TOLERANCE = 2.0;

    private final ChatEndpoint delegate;
    private final ModelDefinition definition;
    private final Bulkhead bulkhead;
    private final AdaptiveConcurrencyLimit adaptive;
    private final RateLimiter requests;
    private final RateLimiter tokens;
    private final int tokensPerMinute;
    private final CircuitBreaker circuit;
    private final Retry retry;
    private final Duration admissionWait;

    public GuardedChatEndpoint(ChatEndpoint delegate) {
        this(delegate, FIRST_BACKOFF);
    }

    /** With another first backoff than 0.5 s: tests use a few milliseconds. */
    public GuardedChatEndpoint(ChatEndpoint delegate, Duration firstBackoff) {
        this.delegate = delegate;
        this.definition = delegate.definition();
        String name = delegate.name();
        this.admissionWait = Duration.ofSeconds(definition.timeoutSeconds());
        this.adaptive = "adaptive".equals(definition.concurrencyLimit())
                ? new AdaptiveConcurrencyLimit(Math.min(INITIAL_ADAPTIVE_LIMIT, definition.maxConcurrency()), definition.maxConcurrency(),
                        LATENCY_TOLERANCE)
                : null;
        this.bulkhead = Bulkhead.of("model." + name, BulkheadConfig.custom()
                .maxConcurrentCalls(definition.maxConcurrency())
                .maxWaitDuration(admissionWait)
                .build());
        this.requests = definition.requestsPerMinute() == null ? null : RateLimiter.of("model." + name + ".requests",
                RateLimiterConfig.custom()
                        // one permit every 60/rpm seconds: paced evenly, no burst at the top of the minute
                        .limitForPeriod(1)
                        .limitRefreshPeriod(Duration.ofNanos(Math.max(1, 60_000_000_000L / definition.requestsPerMinute())))
                        .timeoutDuration(admissionWait)
                        .build());
        this.tokensPerMinute = definition.tokensPerMinute() == null ? 0 : definition.tokensPerMinute();
        this.tokens = definition.tokensPerMinute() == null ? null : RateLimiter.of("model." + name + ".tokens",
                RateLimiterConfig.custom()
                        // a sixtieth every second, like requests paced evenly: a full minute's tokens at once, and again
                        // at the top of the next minute, is the burst providers answer with 429. A call that needs more
                        // than a second's worth waits for the seconds it needs (capped at a minute's worth, below).
                        .limitForPeriod(Math.max(1, (tokensPerMinute + 59) / 60))
                        .limitRefreshPeriod(Duration.ofSeconds(1))
                        .timeoutDuration(Duration.ofMinutes(1).plus(admissionWait))
                        .build());
        int threshold = definition.circuitFailureThreshold();
        this.circuit = CircuitBreaker.of("model." + name, CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(threshold)
                .minimumNumberOfCalls(threshold)
                .failureRateThreshold(100) // every call of the window failed: that many in a row
                .waitDurationInOpenState(Duration.ofSeconds(definition.circuitOpenSeconds()))
                .permittedNumberOfCallsInHalfOpenState(1)
                .build());
        Duration maxWait = Duration.ofSeconds(definition.maxRetryWaitSeconds());
        this.retry = Retry.of("model." + name, RetryConfig.<ChatAnswer>custom()
                .maxAttempts(definition.retries() + 1)
                .retryOnResult(answer -> retriable(answer, maxWait))
                .retryExceptions()
                .intervalBiFunction((attempt, either) -> {
                    long backoff = firstBackoff.toMillis() << Math.min(attempt - 1, 10);
                    Duration asked = either.isRight() && either.get().failure() != null ? either.get().failure().retryAfter() : null;
                    return Math.min(maxWait.toMillis(), Math.max(backoff, asked == null ? 0 : asked.toMillis()));
                })
                .failAfterMaxAttempts(false)
                .build());
    }

    private static boolean retriable(ChatAnswer answer, Duration maxWait) {
        ChatAnswer.Failure failure = answer.failure();
        return failure != null && failure.retriable() && failure.kind() != ChatAnswer.Kind.CIRCUIT_OPEN
                && failure.kind() != ChatAnswer.Kind.ADMISSION
                && (failure.retryAfter() == null || failure.retryAfter().compareTo(maxWait) <= 0);
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public ModelDefinition definition() {
        return definition;
    }

    /** The circuit breaker's state, for health and metrics: CLOSED, OPEN or HALF_OPEN. */
    public String circuitState() {
        return circuit.getState().name();
    }

    /** The limit on calls in flight now: {@code max_concurrency}, or where the adaptive limit stands. */
    public int concurrencyLimit() {
        return adaptive == null ? definition.maxConcurrency() : adaptive.limit();
    }

    /** Calls in flight now. */
    public int inFlight() {
        if (adaptive != null) {
            return adaptive.inFlight();
        }
        return definition.maxConcurrency() - bulkhead.getMetrics().getAvailableConcurrentCalls();
    }

    @Override
    public ChatAnswer chat(ChatCall call) {
        List<ChatAnswer> attempts = new ArrayList<>();
        ChatAnswer last = retry.executeSupplier(() -> {
            ChatAnswer answer = once(call);
            attempts.add(answer);
            return answer;
        });
        return attempts.size() <= 1 ? last : last.withEarlier(attempts.subList(0, attempts.size() - 1));
    }

    private ChatAnswer once(ChatCall call) {
        if (!circuit.tryAcquirePermission()) {
            return admissionFailure(ChatAnswer.Kind.CIRCUIT_OPEN, "The circuit of model '" + name() + "' is open after "
                    + definition.circuitFailureThreshold() + " failed calls in a row; it is tried again after "
                    + definition.circuitOpenSeconds() + " s");
        }
        long started = System.nanoTime();
        ChatAnswer answer;
        try {
            answer = admitted(call);
        } catch (RuntimeException e) {
            circuit.onError(System.nanoTime() - started, TimeUnit.NANOSECONDS, e);
            throw e;
        }
        long nanos = System.nanoTime() - started;
        if (adaptive != null && answer.failure() != null && answer.failure().kind() == ChatAnswer.Kind.HTTP
                && answer.failure().status() == 429) {
            // under an adaptive limit a 429 is back-pressure the limit answers, not a sign the endpoint is down
            circuit.releasePermission();
        } else if (answer.ok() || answer.failure().kind() == ChatAnswer.Kind.ADMISSION || !answer.failure().retriable()) {
            // our own admission limits and rejected requests say nothing about the endpoint's health
            circuit.onSuccess(nanos, TimeUnit.NANOSECONDS);
        } else {
            circuit.onError(nanos, TimeUnit.NANOSECONDS, new IllegalStateException(answer.failure().message()));
        }
        return answer;
    }

    private ChatAnswer admitted(ChatCall call) {
        if (requests != null && !requests.acquirePermission()) {
            return admissionFailure(ChatAnswer.Kind.ADMISSION, "Model '" + name() + "' is at its requests_per_minute limit of "
                    + definition.requestsPerMinute() + "; no slot within " + admissionWait.toSeconds() + " s");
        }
        if (tokens != null) {
            int maxTokens = call.maxTokens() == null ? definition.maxTokens() : call.maxTokens();
            int needed = (int) Math.min(tokensPerMinute, (long) call.estimatedInputTokens() + maxTokens);
            if (!tokens.acquirePermission(needed)) {
                return admissionFailure(ChatAnswer.Kind.ADMISSION, "Model '" + name() + "' is at its tokens_per_minute limit of "
                        + tokensPerMinute + "; no room for " + needed + " tokens in time");
            }
        }
        if (adaptive != null) {
            return adaptively(call);
        }
        if (!bulkhead.tryAcquirePermission()) {
            return admissionFailure(ChatAnswer.Kind.ADMISSION, "Model '" + name() + "' has " + definition.maxConcurrency()
                    + " calls in flight (max_concurrency) and none finished within " + admissionWait.toSeconds() + " s");
        }
        try {
            return delegate.chat(call);
        } finally {
            bulkhead.onComplete();
        }
    }

    private ChatAnswer adaptively(ChatCall call) {
        long started;
        try {
            started = adaptive.acquire(admissionWait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return admissionFailure(ChatAnswer.Kind.ADMISSION, "Interrupted while waiting for a slot of model '" + name() + "'");
        }
        if (started < 0) {
            return admissionFailure(ChatAnswer.Kind.ADMISSION, "Model '" + name() + "' has " + adaptive.limit()
                    + " calls in flight (its adaptive limit, at most max_concurrency " + definition.maxConcurrency()
                    + ") and none finished within " + admissionWait.toSeconds() + " s");
        }
        AdaptiveConcurrencyLimit.Outcome outcome = AdaptiveConcurrencyLimit.Outcome.IGNORED;
        try {
            ChatAnswer answer = delegate.chat(call);
            outcome = AdaptiveConcurrencyLimit.outcomeOf(answer);
            return answer;
        } finally {
            adaptive.release(started, outcome);
        }
    }

    private ChatAnswer admissionFailure(ChatAnswer.Kind kind, String message) {
        return ChatAnswer.failed(new ChatAnswer.Failure(kind, 0, message, true, null), 0, definition.model());
    }

    @Override
    public void close() {
        delegate.close();
    }
}
