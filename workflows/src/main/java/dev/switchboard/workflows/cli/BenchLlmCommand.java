package dev.switchboard.workflows.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.llm.ModelDefinition;
import dev.switchboard.llm.ModelRegistry;
import dev.switchboard.llm.chat.CallExecutor;
import dev.switchboard.llm.sim.ModelSimulator;
import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepEnvironment;
import dev.switchboard.schemas.spi.StepOutcome;
import dev.switchboard.schemas.template.Template;
import dev.switchboard.workflows.eval.EventInvocation;
import dev.switchboard.workflows.model.StepSpec;
import dev.switchboard.workflows.model.StepTypes;
import dev.switchboard.workflows.model.WorkflowLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
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
@Command(name = "bench-llm", subcommands = BenchConcurrencyCommand.class, header = "Measures what the LLM steps add to a model call, against a bare HTTP client in the same run.",
        description = {"Measures the LLM-step overhead (step time minus the simulated model's time) at a fixed offered rate, against a bare "
                + "HTTP client in the same run.", "Use Java 21+ for hundreds of calls in flight."})
public final class BenchLlmCommand extends CliCommand {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Option(names = "--rate", paramLabel = "REQUESTS", description = "Requests offered per second (default: ${DEFAULT-VALUE}).", defaultValue = "500")
    int rate;

    @Option(names = "--seconds", description = "Measured seconds per phase (default: ${DEFAULT-VALUE}).", defaultValue = "10")
    int seconds;

    @Option(names = "--warmup", paramLabel = "SECONDS", description = "Seconds of each kind of request in a warm-up round (not measured);"
            + " every phase also starts with one unmeasured second (default: ${DEFAULT-VALUE}).", defaultValue = "10")
    int warmup;

    @Option(names = "--warmup-max-seconds", paramLabel = "SECONDS", description = "Warm-up rounds go on until this JVM's JIT compilers are"
            + " nearly idle (compiling for under a twentieth of a round) or this long has passed. 0: one round (default: ${DEFAULT-VALUE}).",
            defaultValue = "120")
    int warmupMaxSeconds;

    @Option(names = "--latency-ms", split = ",", paramLabel = "MS", description = "Simulated model latencies, one phase each (default: ${DEFAULT-VALUE}).",
            defaultValue = "0,1500")
    List<Integer> latencies;

    /** Parsed templates of this run's invocations. */
    private final Map<String, Template> templates = new ConcurrentHashMap<>();

    @Override
    public Integer call() throws Exception {
        PrintWriter out = out();
        // A phase's idle keep-alive connections (hundreds at 1.5 s latency, client and server side, with their buffers)
        // would otherwise live 30 s into the next phase's heap; closed after a second idle, each phase starts clean.
        // Both are read once, when the JDK's HTTP client and server first load: only where nothing set them.
        setIfUnset("jdk.httpclient.keepalive.timeout", "1");
        setIfUnset("sun.net.httpserver.idleInterval", "1");
        List<String> texts = BenchTickets.texts(200);
        out.printf("Switchboard LLM-step benchmark: classify (6 labels) on an OpenAI-compatible simulator in-process, %d requests/s offered"
                        + " open loop, %d s measured per phase after warm-up rounds of %d s of each kind (until the JIT has settled, at most %d s)%n",
                rate, seconds, warmup, warmupMaxSeconds);
        out.printf("  Java %s, %d cores (load average %s), %s, max heap %d MB, collectors %s%n", Runtime.version(),
                Runtime.getRuntime().availableProcessors(), loadAverage(),
                CallExecutor.virtualThreads() ? "a virtual thread per call" : "a pool of " + CallExecutor.PLATFORM_THREADS
                        + " platform threads for calls (Java 17: in flight capped there)", Runtime.getRuntime().maxMemory() >> 20,
                // the p99 of both phases follows the collector's pauses: name it beside the figures (docs/BENCHMARKS.md, target 6)
                ManagementFactory.getGarbageCollectorMXBeans().stream().map(GarbageCollectorMXBean::getName).toList());
        out.flush();
        List<Map<String, String>> rows = new ArrayList<>();
        try (ModelSimulator simulator = ModelSimulator.start().answers(request -> ModelSimulator.answer("billing", 0.9));
             ModelRegistry models = new ModelRegistry(Map.of("sim", ModelDefinition.builder().baseUrl(simulator.baseUrl())
                     .model("bench-model").maxTokens(32).retries(0).maxConcurrency(4096).timeoutSeconds(30).build()))) {
            Step step = classify(models);
            String bodyTemplate = sampleBody(step, simulator);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
            ExecutorService callers = CallExecutor.create("bench-caller");
            OpenLoop loop = new OpenLoop(rate, simulator, callers, texts, out);
            OpenLoop.Request bare = (marker, text) -> post(http, simulator, bodyTemplate, marker);
            OpenLoop.Request switchboard = (marker, text) -> classifyOne(step, marker, text);
            try {
                // the JIT compiles both paths before anything is measured: its threads would otherwise share the cores with the phases
                JitTime.Settling settling = new JitTime.Settling(warmupMaxSeconds, 1); // a round lasts 2 x --warmup s
                for (int round = 1; ; round++) {
                    JitTime.Span span = JitTime.start();
                    loop.run(new BenchPhase("warm-up " + round + ": bare HTTP client", 0, 24), warmup, 0, bare);
                    loop.run(new BenchPhase("warm-up " + round + ": Switchboard classify step", 0, 25), warmup, 0, switchboard);
                    double compiling = span.share();
                    out.printf("  warm-up round %d: this JVM's JIT compiling %s of the round%n", round, JitTime.percent(compiling));
                    out.flush();
                    if (settling.done(compiling)) {
                        break;
                    }
                }
                for (int latency : latencies) {
                    simulator.latency(Duration.ofMillis(latency));
                    BenchPhase baseline = new BenchPhase("bare HTTP client", latency, rows.size());
                    rows.add(measure(loop, baseline, bare, out));
                    rows.add(measure(loop, new BenchPhase("Switchboard classify step", latency, rows.size()), switchboard, out));
                }
            } finally {
                callers.shutdownNow();
                step.close();
            }
        }
        out.println();
        out.printf("  %-26s %8s %13s %13s %9s %10s %12s %12s %5s%n", "phase", "latency", "p50 overhead", "p99 overhead", "success",
                "in flight", "CPU/request", "peak RSS", "JIT");
        for (Map<String, String> row : rows) {
            out.printf("  %-26s %8s %13s %13s %9s %10s %12s %12s %5s%n", row.get("phase"), row.get("latency"), row.get("p50"), row.get("p99"),
                    row.get("success"), row.get("in_flight"), row.get("cpu"), row.get("rss"), row.get("jit"));
        }
        out.println("  overhead = time from when the request was due until the step (or client) had the answer, minus the simulator's"
                + " time for that request; CPU/request is the process's CPU time over the phase's requests (simulator and JVM included, so"
                + " compare phases); peak RSS is the process's (VmHWM), simulator included; JIT: the share of the phase this JVM's"
                + " compilers spent compiling; load average now " + loadAverage());
        out.flush();
        return 0;
    }

    private static void setIfUnset(String property, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, value);
        }
    }

    /** Runs a measured phase after its unmeasured second; its row carries the share of it the JIT compilers took. */
    private Map<String, String> measure(OpenLoop loop, BenchPhase phase, OpenLoop.Request request, PrintWriter out) throws InterruptedException {
        JitTime.Span span = JitTime.start();
        loop.run(phase, 1, seconds, request);
        double compiling = span.share();
        Map<String, String> row = phase.report(out);
        row.put("jit", JitTime.percent(compiling));
        return row;
    }

    private String classifyOne(Step step, String marker, String text) {
        StepOutcome outcome = step.run(List.of(invocation(marker, text))).get(0);
        if (outcome instanceof StepOutcome.Completed completed) {
            return BenchTickets.LABELS.containsKey(String.valueOf(completed.output().get("label"))) ? null : "label outside the set";
        }
        return outcome instanceof StepOutcome.Failed failed ? failed.reason() : "held for review";
    }

    /** One event whose input renders through a real template. */
    private EventInvocation invocation(String marker, String text) {
        return new EventInvocation("bench-llm", "triage", Map.of("id", "bench-" + marker, "type", "ticket.created", "data", Map.of("body", text)),
                Map.of(), templates);
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
        String label = JSON.readTree(answer.path("choices").path(0).path("message").path("content").asText()).path("label").asText();
        return BenchTickets.LABELS.containsKey(label) ? null : "label outside the set";
    }

    /** The body the step sends, from one call, with its marker replaced by MARKER: the baseline posts the same bytes. */
    private String sampleBody(Step step, ModelSimulator simulator) {
        step.run(List.of(invocation("sample", "[ref sample] My invoice shows the wrong amount")));
        String body = simulator.requests().get(0).body();
        simulator.reset();
        return body.replace("sample", "MARKER");
    }

    /**
     * The classify step as a workflow file declares it, bound and checked by the loader like any other.
     * Injection screening is off: it embeds some texts with the in-process model, measured by {@code bench} (c), not a model call.
     */
    static Step classify(ModelRegistry models) throws JsonProcessingException {
        StringBuilder yaml = new StringBuilder("""
                name: bench-llm
                on:
                  types: [ticket.created]
                steps:
                  - id: triage
                    classify:
                      input: "{{ event.data.body }}"
                      model: sim
                      cache: "off"
                      injection: "off"
                      labels:
                """);
        for (Map.Entry<String, String> label : BenchTickets.LABELS.entrySet()) {
            yaml.append("          ").append(label.getKey()).append(": ").append(JSON.writeValueAsString(label.getValue())).append('\n');
        }
        StepEnvironment environment = new FixedStepEnvironment(Path.of("."), Set.of(), List.of(models));
        WorkflowLoader.Result loaded = new WorkflowLoader(StepTypes.installed(), folder -> environment)
                .parse("bench-llm", yaml.toString(), Path.of("."), Path.of("bench-llm.yaml"));
        if (!loaded.ok()) {
            throw new IllegalStateException("The benchmark's classify step is invalid: " + loaded.problems());
        }
        StepSpec spec = loaded.workflow().steps().get(0);
        return spec.factory().create(spec.id(), spec.options(), environment);
    }

    /** The 1-minute load average, for the record: these figures mean little on a machine busy with other work. */
    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException | RuntimeException e) {
            return "n/a";
        }
    }
}
