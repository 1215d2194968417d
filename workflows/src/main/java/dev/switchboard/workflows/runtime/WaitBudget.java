package dev.switchboard.workflows.runtime;

import java.time.Duration;
import java.util.Map;

/**
 * How long one batch may still wait between retries. A stage's consumer must poll again within
 * Kafka's {@code max.poll.interval.ms}, or it leaves its group and the batch is read again. So no
 * wait of a batch may end later than {@link #limit} after the batch began: a fifth of that interval
 * (60 s of Kafka's default 5 minutes), leaving the rest for the work itself. A retry that would have
 * to wait longer is not made; its record goes to the dead-letter topic, as after its last attempt.
 */
public final class WaitBudget {

    /** Kafka's {@code max.poll.interval.ms} when the client properties leave it out. */
    static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMinutes(5);
    /** The waits of a batch end within this share of the poll interval. */
    static final int SHARE_OF_POLL_INTERVAL = 5;

    /** Where waits happen; tests pass one that moves a clock instead of sleeping. */
    public interface Timer {
        Timer SYSTEM = new Timer() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public void sleep(Duration duration) throws InterruptedException {
                Thread.sleep(duration.toMillis()); // a backoff between attempts, not synchronisation
            }
        };

        long nanoTime();

        void sleep(Duration duration) throws InterruptedException;
    }

    private final Timer timer;
    private final long deadline;

    private WaitBudget(Timer timer, Duration limit) {
        this.timer = timer;
        this.deadline = timer.nanoTime() + limit.toNanos();
    }

    /** The longest a batch may wait between retries, given the stage's Kafka client properties. */
    public static Duration limit(Map<String, String> clientProperties) {
        String configured = clientProperties.get("max.poll.interval.ms");
        Duration interval = configured == null ? DEFAULT_POLL_INTERVAL : Duration.ofMillis(Long.parseLong(configured.trim()));
        return interval.dividedBy(SHARE_OF_POLL_INTERVAL);
    }

    /** The budget of a batch that begins now. */
    public static WaitBudget start(Duration limit, Timer timer) {
        return new WaitBudget(timer, limit);
    }

    /** Whether a wait of this length, starting now, ends within the batch's limit. */
    public boolean allows(Duration wait) {
        return timer.nanoTime() + wait.toNanos() <= deadline;
    }

    /**
     * Waits (after {@link #allows} said yes).
     *
     * @throws IllegalStateException when interrupted (the stage is stopping): the batch stays uncommitted
     */
    public void await(Duration wait) {
        try {
            timer.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while waiting to retry; the batch stays uncommitted", e);
        }
    }
}
