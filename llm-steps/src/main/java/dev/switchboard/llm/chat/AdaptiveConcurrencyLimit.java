package dev.switchboard.llm.chat;

import java.time.Duration;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;

/**
 * A limit on calls in flight that adapts to the endpoint, AIMD as in Netflix's concurrency-limits
 * ({@code AIMDLimit}), with a latency rule as in its Vegas and gradient limits. After each call:
 *
 * <ul>
 *   <li>overload (a 429, a 503, a timeout) or a latency above {@code tolerance} × the lowest latency seen:
 *       the limit is cut to 90% (at least 1), at most once per window: only a call that started at or after
 *       the last cut can cut again, so one burst of 429s is one cut, as TCP does;</li>
 *   <li>success within the tolerance while at least half the limit was in use: until the first cut, one slot
 *       more (slow start, as Netflix's AIMD always does); after it, a {@code limit}-th of one slot more, so the
 *       limit grows by one per window of calls, up to {@code max} (TCP's congestion avoidance: growing by one per
 *       call probes past a server's capacity several times a second and draws a burst of 429s each time);</li>
 *   <li>anything else (a bad request, a 401) says nothing about capacity and leaves it as it is.</li>
 * </ul>
 *
 * Callers wait for a slot with a lock and a condition, not {@code synchronized}, so waiting virtual threads
 * do not pin their carriers on Java 21; this is also why the library's {@code BlockingLimiter} is not used.
 * The lowest latency seen is the endpoint's unloaded latency; it never rises, so an endpoint whose calls
 * grow much longer for good (longer prompts) is held lower than it could be.
 */
public final class AdaptiveConcurrencyLimit {

    /** What a finished call says about the endpoint's capacity. */
    public enum Outcome { SUCCESS, OVERLOAD, IGNORED }

    static final double BACKOFF = 0.9;

    private final int max;
    private final double tolerance;
    private final LongSupplier clock;
    private final ReentrantLock lock = new ReentrantLock(true);
    private final Condition released = lock.newCondition();
    private int limit;
    private int inFlight;
    private int healthySinceGrowth;
    private boolean slowStart = true;
    private long minLatencyNanos = Long.MAX_VALUE;
    private long lastCutNanos = Long.MIN_VALUE;

    /**
     * @param initial   the limit to start from
     * @param max       the most it may grow to
     * @param tolerance how many times the lowest latency seen a call may take before it counts as overload
     */
    public AdaptiveConcurrencyLimit(int initial, int max, double tolerance) {
        this(initial, max, tolerance, System::nanoTime);
    }

    AdaptiveConcurrencyLimit(int initial, int max, double tolerance, LongSupplier clock) {
        if (max < 1 || initial < 1 || initial > max || tolerance <= 1) {
            throw new IllegalArgumentException("Need 1 <= initial <= max and tolerance > 1: got initial " + initial + ", max " + max
                    + ", tolerance " + tolerance);
        }
        this.limit = initial;
        this.max = max;
        this.tolerance = tolerance;
        this.clock = clock;
    }

    /** Waits up to {@code wait} for a slot; returns when the call started (for {@link #release}), or -1 without a slot. */
    public long acquire(Duration wait) throws InterruptedException {
        long remaining = wait.toNanos();
        lock.lock();
        try {
            while (inFlight >= limit) {
                if (remaining <= 0) {
                    return -1;
                }
                remaining = released.awaitNanos(remaining);
            }
            inFlight++;
            return clock.getAsLong();
        } finally {
            lock.unlock();
        }
    }

    /** Frees the slot of a call that started at {@code started} and adapts the limit to how it went. */
    public void release(long started, Outcome outcome) {
        long now = clock.getAsLong();
        long latency = now - started;
        lock.lock();
        try {
            int usedBefore = inFlight;
            inFlight--;
            if (outcome == Outcome.SUCCESS) {
                minLatencyNanos = Math.min(minLatencyNanos, latency);
            }
            boolean slow = outcome == Outcome.SUCCESS && latency > tolerance * minLatencyNanos;
            if (outcome == Outcome.OVERLOAD || slow) {
                if (started >= lastCutNanos) {
                    limit = Math.max(1, (int) (limit * BACKOFF));
                    lastCutNanos = now;
                    healthySinceGrowth = 0;
                    slowStart = false;
                }
            } else if (outcome == Outcome.SUCCESS && usedBefore * 2 >= limit && limit < max
                    && (slowStart || ++healthySinceGrowth >= limit)) {
                limit++;
                healthySinceGrowth = 0;
            }
            released.signalAll();
        } finally {
            lock.unlock();
        }
    }

    public int limit() {
        return locked(() -> limit);
    }

    public int inFlight() {
        return locked(() -> inFlight);
    }

    /** A figure read under the lock that guards its changes. */
    private int locked(IntSupplier figure) {
        lock.lock();
        try {
            return figure.getAsInt();
        } finally {
            lock.unlock();
        }
    }

    /** The outcome of a chat answer for the limit: 429, 503 and timeouts are overload; other failures say nothing. */
    public static Outcome outcomeOf(ChatAnswer answer) {
        if (answer.ok()) {
            return Outcome.SUCCESS;
        }
        ChatAnswer.Failure failure = answer.failure();
        boolean overload = failure.kind() == ChatAnswer.Kind.TIMEOUT
                || failure.kind() == ChatAnswer.Kind.HTTP && (failure.status() == 429 || failure.status() == 503);
        return overload ? Outcome.OVERLOAD : Outcome.IGNORED;
    }
}
