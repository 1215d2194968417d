package dev.switchboard.workflows.cli;

import dev.switchboard.llm.ModelDefinition;
import dev.switchboard.llm.ModelRegistry;
import dev.switchboard.llm.chat.CallExecutor;
import dev.switchboard.llm.sim.ModelSimulator;
import dev.switchboard.llm.sim.SimulatedCapacity;
import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepOutcome;
import dev.switchboard.schemas.template.Template;
import dev.switchboard.workflows.eval.EventInvocation;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The same closed-loop load of classify calls against a simulated self-hosted model server of known capacity
 * ({@link SimulatedCapacity}: latency grows with calls in flight past its slots, 429s past its most), once with
 * a fixed limit of calls in flight and once with {@code concurrency_limit: adaptive}, in one run. Prints goodput
 * (successful calls per second) against the capacity, p50 and p99 latency of the step, 429s and timeouts.
 */
@Command(name = "concurrency", header = "Goodput against a model server of known capacity: a fixed limit of calls in flight against the adaptive one.",
        description = {"Runs the same closed-loop load of classify calls against the model simulator given a capacity, with a fixed "
                + "max_concurrency and with concurrency_limit: adaptive, and prints goodput, latency, 429s and timeouts for both.",
                "Use Java 21+ for hundreds of callers."})
final class BenchConcurrencyCommand extends CliCommand {

    @Option(names = "--slots", description = "Calls the simulated server serves side by side at its base latency (default: ${DEFAULT-VALUE}).",
            defaultValue = "32")
    int slots;

    @Option(names = "--latency-ms", paramLabel = "MS", description = "The server's base latency (default: ${DEFAULT-VALUE}).", defaultValue = "200")
    int latencyMs;

    @Option(names = "--server-max-in-flight", paramLabel = "CALLS", description = "Calls in flight past which the server answers 429 "
            + "(default: twice the slots).", defaultValue = "0")
    int serverMaxInFlight;

    @Option(names = "--callers", description = "Callers, each sending one call after the other; more than the fixed limit, so that it is reached "
            + "(default: ${DEFAULT-VALUE}).", defaultValue = "320")
    int callers;

    @Option(names = "--fixed", paramLabel = "CALLS", description = "The fixed limit compared with, and the adaptive limit's maximum "
            + "(default: ${DEFAULT-VALUE}).", defaultValue = "256")
    int fixed;

    @Option(names = "--seconds", description = "Measured seconds per limit (default: ${DEFAULT-VALUE}).", defaultValue = "20")
    int seconds;

    @Option(names = "--warmup", paramLabel = "SECONDS", description = "Unmeasured seconds before each measurement (default: ${DEFAULT-VALUE}).",
            defaultValue = "10")
    int warmup;

    @Option(names = "--timeout-seconds", paramLabel = "SECONDS", description = "The model's timeout_seconds (default: ${DEFAULT-VALUE}).",
            defaultValue = "30")
    int timeoutSeconds;

    private final Map<String, Template> templates = new ConcurrentHashMap<>();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = out();
        Duration latency = Duration.ofMillis(latencyMs);
        SimulatedCapacity capacity = new SimulatedCapacity(slots, serverMaxInFlight == 0 ? 2 * slots : serverMaxInFlight, Duration.ofSeconds(1));
        double capacityRate = capacity.callsPerSecond(latency);
        out.printf("Switchboard adaptive-concurrency benchmark: %d callers, closed loop, classify on a simulated server of %d slots at %d ms"
                        + " (capacity %.0f calls/s; 429 with Retry-After 1 s past %d in flight); %d s measured after %d s per limit%n",
                callers, slots, latencyMs, capacityRate, capacity.maxInFlight(), seconds, warmup);
        out.printf("  Java %s, %d cores, load average %s at the start%n", Runtime.version(), Runtime.getRuntime().availableProcessors(),
                BenchLlmCommand.loadAverage());
        out.flush();
        List<String> texts = BenchTickets.texts(200);
        StringBuilder table = new StringBuilder();
        try (ModelSimulator simulator = ModelSimulator.start()) {
            for (String mode : List.of("fixed", "adaptive")) {
                Result result = phase(simulator, capacity, latency, mode, texts, out);
                table.append(String.format(Locale.ROOT, "  %-14s %10.1f %9.2f %10.0f %10.0f %8d %9d %8d %10d %7d%n", mode + " " + fixed,
                        result.goodput(), result.goodput() / capacityRate, result.p50Ms(), result.p99Ms(), result.rejected429(),
                        result.timeouts(), result.failed(), result.serverMaxInFlight(), result.finalLimit()));
            }
        }
        out.printf("%n  %-14s %10s %9s %10s %10s %8s %9s %8s %10s %7s%n", "limit", "goodput/s", "/capacity", "p50 ms", "p99 ms", "429s",
                "timeouts", "failed", "server max", "limit");
        out.print(table);
        out.printf("  goodput = successful calls completed per measured second; latency from a call's start to its outcome (waits, retries"
                + " included); 429s as the server sent them; 'limit' where the limit stood at the end. Load average now %s%n",
                BenchLlmCommand.loadAverage());
        out.flush();
        return 0;
    }

    private record Result(double goodput, double p50Ms, double p99Ms, long rejected429, long timeouts, long failed, int serverMaxInFlight,
                          int finalLimit) {
    }

    private Result phase(ModelSimulator simulator, SimulatedCapacity capacity, Duration latency, String mode, List<String> texts,
                         PrintWriter out) throws Exception {
        out.printf("  %s limit (max_concurrency %d)...%n", mode, fixed);
        out.flush();
        simulator.reset();
        simulator.answers(request -> ModelSimulator.answer("billing", 0.9)).latency(latency).capacity(capacity).logLimit(1000);
        ModelDefinition definition = ModelDefinition.builder().baseUrl(simulator.baseUrl()).model("bench-model").maxTokens(32)
                .maxConcurrency(fixed).concurrencyLimit(mode).timeoutSeconds(timeoutSeconds).build();
        try (ModelRegistry models = new ModelRegistry(Map.of("sim", definition))) {
            Step step = BenchLlmCommand.classify(models);
            ExecutorService threads = CallExecutor.create("bench-caller");
            long start = System.nanoTime();
            long measureFrom = start + TimeUnit.SECONDS.toNanos(warmup);
            long end = measureFrom + TimeUnit.SECONDS.toNanos(seconds);
            ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
            AtomicLong failed = new AtomicLong();
            AtomicLong timeouts = new AtomicLong();
            Map<String, Integer> reasons = new ConcurrentHashMap<>();
            CountDownLatch done = new CountDownLatch(callers);
            AtomicLong sequence = new AtomicLong();
            try {
                for (int i = 0; i < callers; i++) {
                    threads.execute(() -> {
                        try {
                            while (System.nanoTime() < end) {
                                long n = sequence.incrementAndGet();
                                long began = System.nanoTime();
                                String failure = classifyOne(step, n, texts.get((int) (n % texts.size())));
                                long finished = System.nanoTime();
                                if (finished < measureFrom || finished >= end) {
                                    continue;
                                }
                                if (failure == null) {
                                    latencies.add(finished - began);
                                } else {
                                    failed.incrementAndGet();
                                    if (failure.contains("timed out")) {
                                        timeouts.incrementAndGet();
                                    }
                                    reasons.merge(failure.length() > 160 ? failure.substring(0, 160) : failure, 1, Integer::sum);
                                }
                            }
                        } finally {
                            done.countDown();
                        }
                    });
                }
                LockSupport.parkNanos(measureFrom - System.nanoTime());
                long rejectedBefore = simulator.statusCount(429);
                LockSupport.parkNanos(end - System.nanoTime());
                long rejected = simulator.statusCount(429) - rejectedBefore;
                int limitAtEnd = models.endpoint("sim").concurrencyLimit();
                if (!done.await(3L * timeoutSeconds + 30, TimeUnit.SECONDS)) {
                    out.println("    some callers were still waiting " + (3L * timeoutSeconds + 30) + " s after the end");
                }
                reasons.forEach((reason, count) -> out.printf("    %d failed: %s%n", count, reason));
                SampleStatistics stats = SampleStatistics.of(latencies);
                return new Result(latencies.size() / (double) seconds, stats.percentile(0.50) / 1e6, stats.percentile(0.99) / 1e6, rejected,
                        timeouts.get(), failed.get(), simulator.maxInFlight(), limitAtEnd);
            } finally {
                threads.shutdownNow();
                step.close();
            }
        }
    }

    private String classifyOne(Step step, long n, String text) {
        EventInvocation invocation = new EventInvocation("bench-llm", "triage",
                Map.of("id", "bench-" + n, "type", "ticket.created", "data", Map.of("body", text)), Map.of(), templates);
        StepOutcome outcome = step.run(List.of(invocation)).get(0);
        if (outcome instanceof StepOutcome.Completed) {
            return null;
        }
        return outcome instanceof StepOutcome.Failed failedOutcome ? failedOutcome.reason() : "held for review";
    }
}
