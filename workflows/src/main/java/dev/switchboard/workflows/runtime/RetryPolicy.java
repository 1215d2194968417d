package dev.switchboard.workflows.runtime;

import dev.switchboard.workflows.config.DeliveryPolicy;
import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;
import java.util.Collections;
import java.util.List;

/**
 * When to try again, and how long to wait first: exponential backoff with jitter (resilience4j's
 * {@link IntervalFunction}) or a fixed schedule of waits, a server's {@code Retry-After} honoured up
 * to the longest wait, and a number of attempts. The delivery stage, the workflow steps and the output writer all retry by one
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
    /** The waits after attempt 1, 2, ...; the last repeats. Empty for exponential backoff. */
    private final List<Duration> schedule;

    private RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, List<Duration> schedule) {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
        }
        this.maxAttempts = maxAttempts;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.schedule = List.copyOf(schedule);
        long initial = Math.min(initialBackoff.toMillis(), maxBackoff.toMillis());
        this.backoff = !schedule.isEmpty() || initial < 1 ? null
                : IntervalFunction.ofExponentialRandomBackoff(initial, 2.0, JITTER, maxBackoff.toMillis());
    }

    /** At most {@code maxAttempts} attempts; waits from about {@code initialBackoff}, doubling, never above {@code maxBackoff}. */
    public static RetryPolicy of(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
        return new RetryPolicy(maxAttempts, initialBackoff, maxBackoff, List.of());
    }

    /**
     * At most {@code maxAttempts} attempts, waiting {@code waits.get(n - 1)} after failed attempt n, the
     * last wait repeating; no jitter, so the schedule is the one written. Never more than {@code maxBackoff}.
     */
    public static RetryPolicy schedule(List<Duration> waits, int maxAttempts, Duration maxBackoff) {
        if (waits.isEmpty()) {
            throw new IllegalArgumentException("A schedule needs at least one wait");
        }
        return new RetryPolicy(maxAttempts, waits.get(0), maxBackoff, waits);
    }

    /** Tries until the caller stops it (the output writer while Kafka is unreachable). */
    public static RetryPolicy untilStopped(Duration initialBackoff, Duration maxBackoff) {
        return new RetryPolicy(Integer.MAX_VALUE, initialBackoff, maxBackoff, List.of());
    }

    /** A delivery policy of the configuration ({@code delivery:} or {@code delivery.sinks.<name>:}). */
    public static RetryPolicy of(DeliveryPolicy delivery) {
        List<Duration> waits = delivery.waits();
        int attempts = delivery.maxAttempts() != null ? delivery.maxAttempts() : waits.size() + 1;
        Duration longest = delivery.maxBackoffMs() != null ? Duration.ofMillis(delivery.maxBackoffMs()) : Collections.max(waits);
        return delivery.initialBackoffMs() != null
                ? of(attempts, Duration.ofMillis(delivery.initialBackoffMs()), longest)
                : schedule(waits, attempts, longest);
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
        long wait = !schedule.isEmpty() ? schedule.get(Math.max(0, Math.min(attempt, schedule.size()) - 1)).toMillis()
                : backoff == null ? 0 : backoff.apply(Math.max(1, Math.min(attempt, MAX_DOUBLINGS)));
        if (retryAfter != null) {
            wait = Math.max(wait, retryAfter.toMillis());
        }
        return Duration.ofMillis(Math.max(0, Math.min(wait, maxBackoff.toMillis())));
    }

    @Override
    public String toString() {
        return "RetryPolicy[" + (maxAttempts == Integer.MAX_VALUE ? "until stopped" : maxAttempts + " attempts")
                + (schedule.isEmpty() ? ", backoff " + initialBackoff.toMillis() + " ms to " + maxBackoff.toMillis() + " ms]"
                : ", schedule " + schedule + "]");
    }
}
