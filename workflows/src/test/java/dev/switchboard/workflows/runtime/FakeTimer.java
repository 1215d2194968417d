package dev.switchboard.workflows.runtime;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/** A {@link WaitBudget.Timer} whose waits move its clock at once and are recorded. */
final class FakeTimer implements WaitBudget.Timer {

    private final AtomicLong nanos = new AtomicLong();
    private final List<Duration> waits = new CopyOnWriteArrayList<>();

    @Override
    public long nanoTime() {
        return nanos.get();
    }

    @Override
    public void sleep(Duration duration) {
        waits.add(duration);
        nanos.addAndGet(duration.toNanos());
    }

    /** Time passing while work is done. */
    void advance(Duration duration) {
        nanos.addAndGet(duration.toNanos());
    }

    List<Duration> waits() {
        return waits;
    }

    Duration waited() {
        return waits.stream().reduce(Duration.ZERO, Duration::plus);
    }
}
