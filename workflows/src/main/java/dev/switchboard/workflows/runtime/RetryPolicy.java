package dev.switchboard.workflows.runtime;

import dev.switchboard.workflows.config.DeliverySettings;
import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;

/**
 * When to try again, and how long to wait first: exponential backoff with jitter (resilience4j's
 * {@link IntervalFunction}), a server's {@code Retry-After} honoured up to the longest wait, and a
 * number of attempts. The delivery stage, the workflow steps and the output writer all retry by one
 * of these. It only computes: {@link #delay} never sleeps, so a schedule of retries can be worked out
 * ahead (delayed retry topics), and {@link WaitBudget} decides whether a batch still has time to wait.
 */
public final class RetryPolicy {

    /** Share of a wait that jitter may add or take away, so that the retries of many records do not fall in step. */
    static final double JITTER = 0.5;
    /** Doublings past this many attempts change nothing: the longest wait is reached long before. */
    private static final int MAX_DOUBLINGS = 30;

    private final int maxAttempts;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final IntervalFunction backoff;

    private RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
        }
        this.maxAttempts = maxAttempts;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        long initial = Math.min(initialBackoff.toMillis(), maxBackoff.toMillis());
        this.backoff = initial < 1 ? null : IntervalFunction.ofExponentialRandomBackoff(initial, 2.0, JITTER, maxBackoff.toMillis());
    }

    /** At most {@code maxAttempts} attempts; waits from about {@code initialBackoff}, doubling, never above {@code maxBackoff}. */
    public static RetryPolicy of(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
        return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff);
    }

    /** Tries until the caller stops it (the output writer while Kafka is unreachable). */
    public static RetryPolicy untilStopped(Duration initialBackoff, Duration maxBackoff) {
        return new RetryPolicy(Integer.MAX_VALUE, initialBackoff, maxBackoff);
    }

    /** The delivery stage's policy, from {@code delivery:} of the configuration. */
    public static RetryPolicy of(DeliverySettings delivery) {
        return of(delivery.maxAttempts(), Duration.ofMillis(delivery.initialBackoffMs()), Duration.ofMillis(delivery.maxBackoffMs()));
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    public Duration maxBackoff() {
        return maxBackoff;
    }

    /** Whether another attempt follows failed attempt number {@code attempt} (counted from 1). */
    public boolean retriesAfter(int attempt) {
        return attempt < maxAttempts;
    }

    /**
     * The wait after failed attempt number {@code attempt} (counted from 1): the backoff with jitter, at
     * least the server's {@code Retry-After} when it gave one, and never more than the longest wait.
     *
     * @param retryAfter what the server asked for, or null
     */
    public Duration delay(int attempt, Duration retryAfter) {
        long wait = backoff == null ? 0 : backoff.apply(Math.max(1, Math.min(attempt, MAX_DOUBLINGS)));
        if (retryAfter != null) {
            wait = Math.max(wait, retryAfter.toMillis());
        }
        return Duration.ofMillis(Math.max(0, Math.min(wait, maxBackoff.toMillis())));
    }

    @Override
    public String toString() {
        return "RetryPolicy[" + (maxAttempts == Integer.MAX_VALUE ? "until stopped" : maxAttempts + " attempts")
                + ", backoff " + initialBackoff.toMillis() + " ms to " + maxBackoff.toMillis() + " ms]";
    }
}
