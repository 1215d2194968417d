package dev.switchboard.workflows.cli;

import dev.switchboard.workflows.config.EngineConfig;
import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.workflows.kafka.EmbeddedKafkaBroker;
import dev.switchboard.workflows.model.Workflow;
import dev.switchboard.workflows.model.WorkflowLoader;
import dev.switchboard.workflows.runtime.Engine;
import dev.switchboard.workflows.runtime.KafkaTopics;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The HTTP path against Node-RED, in one run and on one receiver: CloudEvents POSTed to the engine's webhook
 * source, through a workflow with a {@code task} step, to a webhook sink on 127.0.0.1, durable throughout (the
 * source answers after Kafka's acks=all, offsets committed after the outputs); then, where npm and node are found,
 * Node-RED doing HTTP in → HTTP request → HTTP response (no durability), started by {@code bench/node-red/run.sh}.
 * Every event is counted at the receiver; the command fails when Switchboard lost any.
 */
@Command(name = "http", header = "Webhook source, workflow and webhook sink against Node-RED's HTTP in and HTTP request, per connection count.",
        description = {"Posts events to the engine's CloudEvents webhook, through a workflow with a task step, to a webhook sink on a local "
                + "receiver (embedded broker, acks=all, offsets committed after the outputs), and the same events through a Node-RED flow "
                + "HTTP in -> HTTP request -> HTTP response, at each connection count. Prints events/s end to end, p50 and p99 latency "
                + "from a POST's start to its arrival at the receiver, the ratio switchboard/node-red, and the load average.",
                "Fails when any event posted to Switchboard never reaches the receiver. Node-RED is skipped where npm or node is absent."})
final class BenchHttpCommand extends WorkFolderCommand {

    private static final String SECRET = "bench-http-shared-secret";
    private static final String EVENTS_TOPIC = "bench.http.in";
    private static final String TASKS_TOPIC = "bench.http.tasks";
    /** A warm-up round's least length, in seconds, where the rate allows more events than {@code --warmup}. */
    private static final int MIN_ROUND_SECONDS = 3;
    private static final int MAX_ROUND_EVENTS = 100_000;

    @Option(names = "--connections", split = ",", paramLabel = "COUNT", description = "Client connections, one measurement each "
            + "(default: ${DEFAULT-VALUE}).", defaultValue = "8,64")
    List<Integer> connections;

    @Option(names = "--events", paramLabel = "COUNT", description = "Events per system and connection count (default: ${DEFAULT-VALUE}).",
            defaultValue = "20000")
    int events;

    @Option(names = "--warmup", paramLabel = "COUNT", description = "Unmeasured events a warm-up round sends at least; more where the "
            + "rate allows, so that a round lasts 3 s (default: ${DEFAULT-VALUE}).", defaultValue = "10000")
    int warmup;

    @Option(names = "--warmup-max-seconds", paramLabel = "SECONDS", description = "Switchboard warms up in rounds until this JVM's JIT "
            + "compilers are nearly idle (compiling for under a twentieth of each of two rounds in a row) or this long has passed; "
            + "Node-RED then gets the same rounds. 0: one round (default: ${DEFAULT-VALUE}).", defaultValue = "180")
    int warmupMaxSeconds;

    @Option(names = "--settle-seconds", paramLabel = "SECONDS", description = "How long to wait after the last answer for every event to "
            + "arrive before counting the rest as lost (default: ${DEFAULT-VALUE}).", defaultValue = "120")
    int settleSeconds;

    @Option(names = "--node-red-script", paramLabel = "FILE", description = "The script that installs and starts Node-RED, "
            + "or none to skip it. Default: ${DEFAULT-VALUE}", defaultValue = "bench/node-red/run.sh")
    String nodeRedScript;

    /** Events of each warm-up round the first system took; the next system gets the same rounds. */
    private final List<Integer> warmupRounds = new ArrayList<>();

    @Override
    Integer run(PrintWriter out, Path dir) throws Exception {
        out.printf("Switchboard HTTP benchmark: %,d events per system and connection count, after warm-up rounds of %,d events (until"
                        + " the JIT has settled, at most %d s), connections %s; Java %s, %d cores, load average %s at the start%n", events,
                warmup, warmupMaxSeconds, connections, Runtime.version(), Runtime.getRuntime().availableProcessors(),
                BenchLlmCommand.loadAverage());
        out.flush();
        Map<Integer, HttpLoad.Result> switchboard = new LinkedHashMap<>();
        Map<Integer, HttpLoad.Result> nodeRed = new LinkedHashMap<>();
        Map<String, String> loads = new LinkedHashMap<>();
        try (HttpArrivals receiver = HttpArrivals.start()) {
            HttpLoad load = new HttpLoad(receiver);
            try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDir(dir.resolve("kafka")).port(0).build()) {
                broker.start();
                try (Engine engine = startEngine(broker.bootstrapServers(), receiver, dir)) {
                    URI url = URI.create("http://127.0.0.1:" + engine.httpPort() + "/events");
                    Map<String, String> headers = Map.of("Content-Type", "application/cloudevents+json", "Authorization", "Bearer " + SECRET);
                    measure("switchboard", load, url, headers, BenchHttpCommand::cloudEvent, switchboard, loads, out);
                }
                HttpHops hops = HttpHops.read(broker.bootstrapServers(), EVENTS_TOPIC, TASKS_TOPIC);
                switchboard.forEach((count, result) -> HttpHops.print(count, hops.of(result.posts(), receiver), out));
                out.flush();
            }
            Path script = Path.of(nodeRedScript);
            if (nodeRedScript.equals("none")) {
                out.println("  node-red skipped: --node-red-script none");
            } else if (!Files.isRegularFile(script)) {
                out.printf("  node-red skipped: no script at %s; run from the repository root or give --node-red-script%n", script);
            } else {
                try (NodeRed process = NodeRed.start(script, receiver.url(), dir.resolve("node-red.log"), out)) {
                    if (process != null) {
                        measure("node-red", load, process.url(), Map.of("Content-Type", "application/json"), id -> "{\"id\":\"" + id + "\"}",
                                nodeRed, loads, out);
                    }
                }
            }
            out.printf("%n  %-12s %11s %11s %9s %9s %6s %6s %s%n", "system", "connections", "events/s", "p50 ms", "p99 ms", "lost",
                    "failed", "load average");
            print("switchboard", switchboard, loads, out);
            print("node-red", nodeRed, loads, out);
            for (Map.Entry<Integer, HttpLoad.Result> entry : switchboard.entrySet()) {
                HttpLoad.Result other = nodeRed.get(entry.getKey());
                if (other != null) {
                    out.printf(Locale.ROOT, "  switchboard/node-red at %d connections: %.2f (target >= %s)%n", entry.getKey(),
                            entry.getValue().eventsPerSecond() / other.eventsPerSecond(), entry.getKey() >= 64 ? "2" : "1");
                }
            }
            out.printf("  events/s from the first POST's start to the last event's arrival at the receiver; latency from a POST's start to"
                    + " its first arrival; repeats: deliveries of an event already received (%d in all); each system warmed up with %,d"
                    + " unmeasured events. Load average now %s%n", receiver.repeats(), warmupRounds.stream().mapToLong(Integer::longValue).sum(),
                    BenchLlmCommand.loadAverage());
            out.flush();
        }
        List<String> lost = new ArrayList<>();
        switchboard.forEach((count, result) -> {
            if (!result.missing().isEmpty()) {
                lost.add(result.missing().size() + " of " + result.sent() + " at " + count + " connections (first: " + result.missing().get(0) + ")");
            }
        });
        if (!lost.isEmpty()) {
            throw CommandFailure.failed("Switchboard lost events: " + String.join(", ", lost) + ". Every event accepted by the webhook must reach"
                    + " the receiver within --settle-seconds; see the engine's log for deliveries that failed, or give more --settle-seconds.");
        }
        return 0;
    }

    private void measure(String system, HttpLoad load, URI url, Map<String, String> headers, Function<String, String> body,
                         Map<Integer, HttpLoad.Result> results, Map<String, String> loads, PrintWriter out) throws InterruptedException {
        Duration settle = Duration.ofSeconds(settleSeconds);
        String run = UUID.randomUUID().toString().substring(0, 8);
        warmUp(system, load, url, headers, body, run, settle, out);
        for (int count : connections) {
            JitTime.Span span = JitTime.start();
            HttpLoad.Result result = load.run(url, headers, body, system + "-" + count + "-" + run + "-", events, count, settle);
            String compiling = JitTime.percent(span.share());
            results.put(count, result);
            loads.put(system + count, BenchLlmCommand.loadAverage());
            out.printf(Locale.ROOT, "  %s at %d connections: %,.0f events/s, p50 %.1f ms, p99 %.1f ms, %d lost (load %s, this JVM's JIT"
                            + " compiling %s of the phase)%n", system, count, result.eventsPerSecond(), result.p50Ms(), result.p99Ms(),
                    result.missing().size(), loads.get(system + count), compiling);
            out.flush();
        }
    }

    /**
     * Unmeasured rounds before the measurements. The first system (Switchboard) warms up until this JVM's JIT compilers
     * have nearly stopped, because the engine, the broker and the benchmark's client and receiver share this JVM and
     * C2 compiling takes most of a core for a minute or more on two cores; the next system gets the same rounds. Rounds
     * go round the connection counts, so that each count's code is compiled, and last at least {@value #MIN_ROUND_SECONDS}
     * s (more events than {@code --warmup} where the rate allows), since the JIT's share of a shorter round is noise.
     */
    private void warmUp(String system, HttpLoad load, URI url, Map<String, String> headers, Function<String, String> body, String run,
                        Duration settle, PrintWriter out) throws InterruptedException {
        if (warmup <= 0) {
            return;
        }
        boolean first = warmupRounds.isEmpty();
        JitTime.Settling settling = new JitTime.Settling(warmupMaxSeconds, 2);
        Map<Integer, Double> rates = new HashMap<>(); // the last round's events/s at each connection count
        for (int round = 0; ; round++) {
            int count = connections.get(round % connections.size());
            int size = first
                    ? (int) Math.max(warmup, Math.min(MAX_ROUND_EVENTS, rates.getOrDefault(count, 0.0) * MIN_ROUND_SECONDS))
                    : warmupRounds.get(round);
            JitTime.Span span = JitTime.start();
            HttpLoad.Result result = load.run(url, headers, body, system + "-warmup-" + run + "-" + round + "-", size, count, settle);
            double compiling = span.share();
            out.printf(Locale.ROOT, "  %s: warm-up round %d, %,d events at %d connections: %,.0f events/s, this JVM's JIT compiling %s of"
                    + " the round%n", system, round + 1, size, count, result.eventsPerSecond(), JitTime.percent(compiling));
            out.flush();
            if (first) {
                warmupRounds.add(size);
                if (settling.done(compiling)) {
                    return;
                }
                rates.put(count, result.eventsPerSecond());
            } else if (round + 1 >= warmupRounds.size()) {
                return;
            }
        }
    }

    private static void print(String system, Map<Integer, HttpLoad.Result> results, Map<String, String> loads, PrintWriter out) {
        results.forEach((count, r) -> out.printf(Locale.ROOT, "  %-12s %11d %11.0f %9.1f %9.1f %6d %6d %s%n", system, count,
                r.eventsPerSecond(), r.p50Ms(), r.p99Ms(), r.missing().size(), r.failedPosts(), loads.get(system + count)));
    }

    private static String cloudEvent(String id) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/bench/http\",\"type\":\"ticket.created\",\"subject\":\"" + id
                + "\",\"data\":{\"ticket_id\":\"" + id + "\",\"subject\":\"Bench " + id + "\",\"body\":\"A request over HTTP\","
                + "\"priority\":\"normal\"}}";
    }

    private static Engine startEngine(String bootstrap, HttpArrivals receiver, Path dir) throws Exception {
        Path folder = Files.createDirectories(dir.resolve("engine"));
        Files.writeString(folder.resolve("events.secret"), SECRET);
        Files.writeString(folder.resolve("bench-http.yaml"), """
                name: bench-http
                on:
                  topic: bench.http.in
                  types: [ticket.created]
                  start: earliest
                steps:
                  - id: forward
                    task:
                      sink: receiver
                      title: "{{ event.data.ticket_id }}"
                      body: "{{ event.data.body }}"
                """);
        String configText = """
                kafka:
                  bootstrap_servers: %s
                topics:
                  tasks: bench.http.tasks
                http:
                  port: 0
                sources:
                  inbound:
                    cloudevents: {topic: bench.http.in, auth: {scheme: shared-secret, secret_file: events.secret}}
                sinks:
                  receiver:
                    webhook:
                      url: %s
                      body: '{"id": "{{ task.title }}"}'
                outbound:
                  allowed_hosts: [%s]
                """.formatted(bootstrap, receiver.url(), receiver.hostAndPort());
        EngineConfigLoader.Result loaded = EngineConfigLoader.standard().parse("bench-http.yaml", configText, folder);
        if (!loaded.problems().isEmpty()) {
            throw new IllegalStateException(loaded.problems().toString());
        }
        EngineConfig config = loaded.config();
        KafkaTopics.create(bootstrap, Map.of(), Set.of(EVENTS_TOPIC), 3, (short) 1);
        Engine engine = Engine.builder(config).build();
        WorkflowLoader.Result workflow = engine.loader().load(folder.resolve("bench-http.yaml"));
        if (!workflow.ok()) {
            engine.close();
            throw new IllegalStateException(workflow.problems().toString());
        }
        List<Workflow> workflows = List.of(workflow.workflow());
        engine.start(workflows);
        return engine;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
