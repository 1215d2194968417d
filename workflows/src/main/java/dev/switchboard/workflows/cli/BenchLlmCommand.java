package dev.switchboard.workflows.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.llm.ModelDefinition;
import dev.switchboard.llm.ModelRegistry;
import dev.switchboard.llm.chat.CallExecutor;
import dev.switchboard.llm.sim.ModelSimulator;
import dev.switchboard.llm.steps.ClassifyStepFactory;
import dev.switchboard.schemas.ModelCall;
import dev.switchboard.schemas.options.OptionValues;
import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepEnvironment;
import dev.switchboard.schemas.spi.StepInvocation;
import dev.switchboard.schemas.spi.StepOutcome;
import dev.switchboard.schemas.template.Template;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The LLM-step benchmark: what Switchboard adds to a model call. A classify step on an
 * OpenAI-compatible model (the in-process {@link ModelSimulator}) is offered requests at a fixed
 * rate, open loop, one event per request; for each, the step's time minus the simulator's own time
 * for that request (its latency and handling, from arrival to answer) is the overhead. The same is
 * measured in the same run for a bare JDK HTTP client posting the same request body: the baseline,
 * which any client pays (loopback HTTP, the server's dispatch). Prints p50 and p99 overhead, success
 * rate, the most requests in flight and the process's peak RSS, per simulated latency.
 */
@Command(name = "bench-llm", description = "Measures the LLM-step overhead (step time minus the simulated model's time) at a fixed offered "
        + "rate, against a bare HTTP client in the same run. Use Java 21+ for hundreds of calls in flight.")
public final class BenchLlmCommand implements Callable<Integer> {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern MARKER = Pattern.compile("\\[ref ([a-z]+)]");
    private static final Map<String, String> LABELS = labels();

    @Option(names = "--rate", description = "Requests offered per second.", defaultValue = "500")
    int rate;

    @Option(names = "--seconds", description = "Measured seconds per phase.", defaultValue = "10")
    int seconds;

    @Option(names = "--warmup", description = "Warm-up seconds of each kind of request before the first phase (not measured);"
            + " every phase also starts with one unmeasured second.", defaultValue = "10")
    int warmup;

    @Option(names = "--latency-ms", split = ",", description = "Simulated model latencies, one phase each.", defaultValue = "0,1500")
    List<Integer> latencies;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        List<String> texts = ticketTexts();
        out.printf("Switchboard LLM-step benchmark: classify (6 labels) on an OpenAI-compatible simulator in-process, %d requests/s offered"
                        + " open loop, %d s measured per phase after %d s of warm-up%n", rate, seconds, warmup);
        out.printf("  Java %s, %d cores (load average %s), %s, max heap %d MB%n", Runtime.version(),
                Runtime.getRuntime().availableProcessors(), loadAverage(),
                CallExecutor.virtualThreads() ? "a virtual thread per call" : "a pool of " + CallExecutor.PLATFORM_THREADS
                        + " platform threads for calls (Java 17: in flight capped there)", Runtime.getRuntime().maxMemory() >> 20);
        out.flush();
        List<Map<String, String>> rows = new ArrayList<>();
        try (ModelSimulator simulator = ModelSimulator.start().answers(request -> ModelSimulator.answer("billing", 0.9));
             ModelRegistry models = new ModelRegistry(Map.of("sim", ModelDefinition.builder().baseUrl(simulator.baseUrl())
                     .model("bench-model").maxTokens(32).retries(0).maxConcurrency(4096).timeoutSeconds(30).build()))) {
            Step step = classify(models);
            String bodyTemplate = sampleBody(step, simulator);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
            ExecutorService callers = CallExecutor.create("bench-caller");
            try {
                // the JIT compiles both paths before anything is measured
                run(new Phase("warm-up: bare HTTP client", 0, 24), simulator, callers, texts, warmup, 0,
                        (marker, text) -> post(http, simulator, bodyTemplate, marker));
                run(new Phase("warm-up: Switchboard classify step", 0, 25), simulator, callers, texts, warmup, 0,
                        (marker, text) -> classifyOne(step, marker, text));
                for (int latency : latencies) {
                    simulator.latency(Duration.ofMillis(latency));
                    Phase baseline = new Phase("bare HTTP client", latency, rows.size());
                    run(baseline, simulator, callers, texts, 1, seconds, (marker, text) -> post(http, simulator, bodyTemplate, marker));
                    rows.add(baseline.report(out));
                    Phase switchboard = new Phase("Switchboard classify step", latency, rows.size());
                    run(switchboard, simulator, callers, texts, 1, seconds, (marker, text) -> classifyOne(step, marker, text));
                    rows.add(switchboard.report(out));
                }
            } finally {
                callers.shutdownNow();
                step.close();
            }
        }
        out.println();
        out.printf("  %-26s %8s %13s %13s %9s %10s %12s%n", "phase", "latency", "p50 overhead", "p99 overhead", "success", "in flight",
                "peak RSS");
        for (Map<String, String> row : rows) {
            out.printf("  %-26s %8s %13s %13s %9s %10s %12s%n", row.get("phase"), row.get("latency"), row.get("p50"), row.get("p99"),
                    row.get("success"), row.get("in_flight"), row.get("rss"));
        }
        out.println("  overhead = time from when the request was due until the step (or client) had the answer, minus the simulator's"
                + " time for that request; peak RSS is the process's (VmHWM), simulator included; load average now " + loadAverage());
        out.flush();
        return 0;
    }

    /** One request: returns null when it succeeded, else why not. */
    @FunctionalInterface
    private interface Request {
        String send(String marker, String text) throws Exception;
    }

    /** Offers requests open loop at the rate (warm-up, then measured), waits for them, and matches them with the simulator's times. */
    private void run(Phase phase, ModelSimulator simulator, ExecutorService callers, List<String> texts, int leadSeconds,
                     int measuredSeconds, Request request) throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        out.printf("  %s, %d ms simulated latency...%n", phase.name, phase.latency);
        out.flush();
        simulator.reset();
        simulator.answers(r -> ModelSimulator.answer("billing", 0.9)).latency(Duration.ofMillis(phase.latency));
        int warmupCount = rate * leadSeconds;
        int measuredCount = rate * measuredSeconds;
        int total = warmupCount + measuredCount;
        long[] ended = new long[total];
        boolean[] ok = new boolean[total];
        Map<String, Integer> failures = new java.util.concurrent.ConcurrentHashMap<>();
        AtomicInteger inFlight = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        CountDownLatch done = new CountDownLatch(total);
        long interval = 1_000_000_000L / rate;
        long origin = System.nanoTime();
        for (int i = 0; i < total; i++) {
            long due = origin + i * interval;
            long wait = due - System.nanoTime();
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
        Map<String, Long> service = new HashMap<>();
        for (ModelSimulator.Exchange exchange : simulator.exchanges()) {
            Matcher matcher = MARKER.matcher(exchange.request().user());
            if (matcher.find()) {
                service.merge(matcher.group(1), exchange.serviceNanos(), Long::sum);
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
        phase.record(overheads, succeeded, measuredCount, Math.max(maxInFlight.get(), 0), simulator.maxInFlight(),
                total / (offeredNanos / 1e9));
    }

    private static String classifyOne(Step step, String marker, String text) {
        StepOutcome outcome = step.run(List.of(new BenchInvocation(marker, text))).get(0);
        if (outcome instanceof StepOutcome.Completed completed) {
            return LABELS.containsKey(String.valueOf(completed.output().get("label"))) ? null : "label outside the set";
        }
        return outcome instanceof StepOutcome.Failed failed ? failed.reason() : "held for review";
    }

    private static String post(HttpClient http, ModelSimulator simulator, String bodyTemplate, String marker) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(simulator.baseUrl() + "/chat/completions"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer no-key")
                .POST(HttpRequest.BodyPublishers.ofString(bodyTemplate.replace("MARKER", marker)))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            return "HTTP " + response.statusCode();
        }
        JsonNode answer = JSON.readTree(response.body());
        return LABELS.containsKey(JSON.readTree(answer.path("choices").path(0).path("message").path("content").asText()).path("label").asText())
                ? null : "label outside the set";
    }

    /** The body the step sends, from one call, with its marker replaced by MARKER: the baseline posts the same bytes. */
    private static String sampleBody(Step step, ModelSimulator simulator) {
        step.run(List.of(new BenchInvocation("sample", "[ref sample] My invoice shows the wrong amount")));
        String body = simulator.requests().get(0).body();
        simulator.reset();
        return body.replace("sample", "MARKER");
    }

    private static Step classify(ModelRegistry models) {
        ClassifyStepFactory factory = new ClassifyStepFactory();
        // Injection screening is off: it embeds some texts with the in-process model, measured by `bench` (c), not a model call.
        ClassifyStepFactory.Options options = OptionValues.fromMap(ClassifyStepFactory.Options.class, Map.of(
                "input", "{{ event.data.text }}", "labels", LABELS, "model", "sim", "cache", "off", "injection", "off"));
        StepEnvironment environment = new StepEnvironment() {
            @Override
            public Path baseDir() {
                return Path.of(".");
            }

            @Override
            public Set<String> sinkNames() {
                return Set.of();
            }

            @Override
            public <T> Optional<T> service(Class<T> type) {
                return type.isInstance(models) ? Optional.of(type.cast(models)) : Optional.empty();
            }
        };
        var problems = factory.check(options, environment);
        if (!problems.isEmpty()) {
            throw new IllegalStateException("The benchmark's classify step is invalid: " + problems);
        }
        return factory.create("triage", options, environment);
    }

    /** Letters only, so PII masking leaves it alone: phase digit, then the request number in base 26. */
    private static String marker(int phase, int n) {
        StringBuilder marker = new StringBuilder().append((char) ('a' + phase));
        for (char c : Integer.toString(n, 26).toCharArray()) {
            marker.append((char) (Character.isDigit(c) ? 'a' + (c - '0') : c + 10));
        }
        return marker.toString();
    }

    private static List<String> ticketTexts() throws Exception {
        List<String> texts = new ArrayList<>();
        for (byte[] event : BenchCommand.sampleEvents(200)) {
            JsonNode node = JSON.readTree(event);
            texts.add(node.path("data").path("subject").asText() + "\n\n" + node.path("data").path("body").asText());
        }
        return texts;
    }

    private static Map<String, String> labels() {
        Map<String, String> labels = new LinkedHashMap<>();
        labels.put("billing", "Invoices, charges, refunds and payment methods");
        labels.put("bug", "Something is broken or shows an error");
        labels.put("how_to", "How to use or configure a feature");
        labels.put("cancellation", "Cancel the subscription or close the account");
        labels.put("account_access", "Cannot log in, password or two-factor problems");
        labels.put("feature_request", "Asking for a new capability");
        return labels;
    }

    /** The 1-minute load average, for the record: these figures mean little on a machine busy with other work. */
    private static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }

    /** Peak resident set size of this process, from /proc/self/status (VmHWM); -1 where there is none. */
    static long peakRssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux
        }
        return -1;
    }

    /** What one phase measured. */
    private static final class Phase {
        private final String name;
        private final int latency;
        private final int index;
        private double p50;
        private double p99;
        private double max;
        private int succeeded;
        private int measured;
        private int clientInFlight;
        private int serverInFlight;
        private double offeredRate;

        Phase(String name, int latency, int index) {
            this.name = name;
            this.latency = latency;
            this.index = index % 26;
        }

        int index() {
            return index;
        }

        void record(List<Double> overheads, int succeeded, int measured, int clientInFlight, int serverInFlight, double offeredRate) {
            double[] sorted = overheads.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            this.p50 = percentile(sorted, 0.50);
            this.p99 = percentile(sorted, 0.99);
            this.max = sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1];
            this.succeeded = succeeded;
            this.measured = measured;
            this.clientInFlight = clientInFlight;
            this.serverInFlight = serverInFlight;
            this.offeredRate = offeredRate;
        }

        Map<String, String> report(PrintWriter out) {
            long rss = peakRssKb();
            out.printf("    overhead p50 %.3f ms, p99 %.3f ms, max %.1f ms; success %d/%d; in flight max %d (simulator %d);"
                            + " offered %.0f/s; peak RSS %s%n", p50, p99, max, succeeded, measured, clientInFlight, serverInFlight,
                    offeredRate, rss < 0 ? "n/a" : (rss >> 10) + " MB");
            out.flush();
            Map<String, String> row = new LinkedHashMap<>();
            row.put("phase", name);
            row.put("latency", latency + " ms");
            row.put("p50", String.format("%.3f ms", p50));
            row.put("p99", String.format("%.3f ms", p99));
            row.put("success", String.format("%.2f%%", 100.0 * succeeded / measured));
            row.put("in_flight", Integer.toString(serverInFlight));
            row.put("rss", rss < 0 ? "n/a" : (rss >> 10) + " MB");
            return row;
        }

        private static double percentile(double[] sorted, double p) {
            if (sorted.length == 0) {
                return Double.NaN;
            }
            int index = (int) Math.ceil(p * sorted.length) - 1;
            return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
        }
    }

    /** One event whose input renders through a real template. */
    private record BenchInvocation(String marker, String text) implements StepInvocation {
        private static final Map<String, Template> TEMPLATES = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public String workflow() {
            return "bench-llm";
        }

        @Override
        public String stepId() {
            return "triage";
        }

        @Override
        public String eventId() {
            return "bench-" + marker;
        }

        @Override
        public String eventType() {
            return "ticket.created";
        }

        @Override
        public Map<String, Object> event() {
            return Map.of("id", eventId(), "type", eventType(), "data", Map.of("text", text));
        }

        @Override
        public String render(String template) {
            return TEMPLATES.computeIfAbsent(template, Template::parse).render(Map.of("event", event(), "steps", Map.of()));
        }

        @Override
        public List<ModelCall> calls() {
            return List.of();
        }

        @Override
        public Object read(String path) {
            return Template.read(Map.of("event", event(), "steps", Map.of()), Template.path(path));
        }
    }
}
