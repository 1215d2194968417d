package dev.switchboard.workflows.console;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalDouble;

/**
 * The engine's counters per workflow (events, tasks, dead letters since it started) sampled over time,
 * so the overview can tell a rate (events per minute over the last minutes) and what happened today
 * (UTC): today's count is the counter now less its value at the first sample of the day, or less zero
 * on the day the engine started.
 */
public final class CounterHistory {

    private record Sample(Instant time, Map<String, Long> counters) {
    }

    private static final Duration SHORTEST = Duration.ofSeconds(10);

    private final Clock clock;
    private final Duration window;
    private final Map<String, Deque<Sample>> samples = new HashMap<>();
    private final Map<String, Map<String, Long>> dayBaseline = new HashMap<>();
    private final Map<String, LocalDate> day = new HashMap<>();

    /** @param window how far back a rate looks */
    public CounterHistory(Clock clock, Duration window) {
        this.clock = clock;
        this.window = window;
    }

    /** Records each workflow's counters as they are now. */
    public synchronized void sample(Map<String, Map<String, Long>> countersByWorkflow) {
        Instant now = clock.instant();
        LocalDate today = LocalDate.ofInstant(now, ZoneOffset.UTC);
        countersByWorkflow.forEach((workflow, counters) -> {
            Deque<Sample> kept = samples.computeIfAbsent(workflow, w -> new ArrayDeque<>());
            LocalDate known = day.get(workflow);
            if (known == null) {
                dayBaseline.put(workflow, Map.of()); // first sample: the engine has just started, its counters count from zero
            } else if (!known.equals(today)) {
                // the last sample before midnight stands for the counters at midnight
                dayBaseline.put(workflow, kept.isEmpty() ? Map.copyOf(counters) : kept.peekLast().counters());
            }
            day.put(workflow, today);
            kept.addLast(new Sample(now, Map.copyOf(counters)));
            // keep one sample older than the window, so a rate always spans the whole window once it can
            while (kept.size() > 2) {
                Sample oldest = kept.removeFirst();
                if (kept.peekFirst().time().isAfter(now.minus(window))) {
                    kept.addFirst(oldest);
                    break;
                }
            }
        });
    }

    /** How many a counter grew per minute over the window (or since the first sample); empty until samples span 10 s. */
    public synchronized OptionalDouble perMinute(String workflow, String counter) {
        Deque<Sample> kept = samples.get(workflow);
        if (kept == null || kept.size() < 2) {
            return OptionalDouble.empty();
        }
        Sample first = kept.peekFirst();
        Sample last = kept.peekLast();
        Duration span = Duration.between(first.time(), last.time());
        if (span.compareTo(SHORTEST) < 0) {
            return OptionalDouble.empty();
        }
        long grew = last.counters().getOrDefault(counter, 0L) - first.counters().getOrDefault(counter, 0L);
        return OptionalDouble.of(grew * 60_000.0 / span.toMillis());
    }

    /** How many a counter grew today (UTC), as of the last sample. */
    public synchronized long today(String workflow, String counter) {
        Deque<Sample> kept = samples.get(workflow);
        if (kept == null || kept.isEmpty()) {
            return 0;
        }
        return kept.peekLast().counters().getOrDefault(counter, 0L) - dayBaseline.getOrDefault(workflow, Map.of()).getOrDefault(counter, 0L);
    }
}
