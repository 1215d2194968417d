package dev.switchboard.workflows.cli;

import dev.switchboard.llm.sim.ModelSimulator;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Offers requests open loop at a fixed rate (unmeasured lead seconds, then measured ones), waits for
 * all of them, and subtracts from each the simulator's own time for it, found by a marker in its
 * text: what is left is the client's overhead, counted from when the request was due.
 *
 * @param rate      requests offered per second
 * @param simulator the model the requests reach
 * @param callers   the threads that send them
 * @param texts     ticket texts, used in turn
 * @param out       where progress and failures are printed
 */
record OpenLoop(int rate, ModelSimulator simulator, ExecutorService callers, List<String> texts, PrintWriter out) {

    private static final Pattern MARKER = Pattern.compile("\\[ref ([a-z]+)]");

    /** One request: returns null when it succeeded, else why not. */
    @FunctionalInterface
    interface Request {
        String send(String marker, String text) throws Exception;
    }

    void run(BenchPhase phase, int leadSeconds, int measuredSeconds, Request request) throws InterruptedException {
        out.printf("  %s, %d ms simulated latency...%n", phase.name, phase.latency);
        out.flush();
        // only each exchange's user message and service time are kept: a log of whole exchanges (bodies, parsed schemas)
        // would add tens of MB a phase to the heap and the collector's pauses to both sides' p99
        Queue<Served> served = new ConcurrentLinkedQueue<>();
        simulator.reset();
        simulator.answers(r -> ModelSimulator.answer("billing", 0.9)).latency(Duration.ofMillis(phase.latency)).logLimit(0)
                .onAnswered(exchange -> served.add(new Served(exchange.request().user(), exchange.serviceNanos())));
        int warmupCount = rate * leadSeconds;
        int measuredCount = rate * measuredSeconds;
        int total = warmupCount + measuredCount;
        long[] ended = new long[total];
        boolean[] ok = new boolean[total];
        Map<String, Integer> failures = new ConcurrentHashMap<>();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(total);
        long interval = 1_000_000_000L / rate;
        long cpuAtStart = BenchPhase.processCpuNanos();
        long origin = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long wait = origin + i * interval - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            int n = i;
            String marker = marker(phase.index(), n);
            String text = "[ref " + marker + "] " + texts.get(n % texts.size());
            callers.execute(() -> {
                maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
                try {
                    String failure = request.send(marker, text);
                    ok[n] = failure == null;
                    if (failure != null) {
                        failures.merge(failure.length() > 160 ? failure.substring(0, 160) : failure, 1, Integer::sum);
                    }
                } catch (Exception e) {
                    failures.merge(e.toString(), 1, Integer::sum);
                } finally {
                    ended[n] = System.nanoTime();
                    inFlight.decrementAndGet();
                    done.countDown();
                }
            });
        }
        long offeredNanos = System.nanoTime() - origin;
        if (!done.await(5, TimeUnit.MINUTES)) {
            throw new IllegalStateException("Requests of phase '" + phase.name + "' did not finish within 5 minutes");
        }
        long cpuNanos = BenchPhase.processCpuNanos() - cpuAtStart;
        Map<String, Long> service = new HashMap<>();
        for (Served exchange : served) {
            Matcher matcher = MARKER.matcher(exchange.user());
            if (matcher.find()) {
                service.merge(matcher.group(1), exchange.nanos(), Long::sum);
            }
        }
        List<Double> overheads = new ArrayList<>(measuredCount);
        int succeeded = 0;
        for (int i = warmupCount; i < total; i++) {
            Long simulated = service.get(marker(phase.index(), i));
            if (ok[i] && simulated != null) {
                succeeded++;
                // from when the request was due, not when a thread took it: waiting for a thread is overhead too
                overheads.add((ended[i] - (origin + i * interval) - simulated) / 1e6);
            }
        }
        failures.forEach((reason, count) -> out.printf("    %d failed: %s%n", count, reason));
        phase.record(BenchPhase.Figures.of(overheads, succeeded, measuredCount, Math.max(maxInFlight.get(), 0), simulator.maxInFlight(),
                total / (offeredNanos / 1e9), cpuAtStart < 0 ? Double.NaN : cpuNanos / 1e3 / total));
    }

    /** What the simulator took for one exchange, found again by the marker in its user message. */
    private record Served(String user, long nanos) {
    }

    /** Letters only, so PII masking leaves it alone: phase letter, then the request number in base 26. */
    static String marker(int phase, int n) {
        StringBuilder marker = new StringBuilder().append((char) ('a' + phase));
        for (char c : Integer.toString(n, 26).toCharArray()) {
            marker.append((char) (Character.isDigit(c) ? 'a' + (c - '0') : c + 10));
        }
        return marker.toString();
    }
}
