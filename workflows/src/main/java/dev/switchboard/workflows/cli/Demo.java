package dev.switchboard.workflows.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.workflows.config.EngineConfig;
import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.workflows.model.Workflow;
import dev.switchboard.workflows.runtime.Engine;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The one-command demo: an embedded Kafka broker and the embedded model, the ticket-triage example
 * workflow, 250 sample tickets (and a few broken events), tasks delivered to a JSON Lines file, and a
 * summary of what happened.
 */
public final class Demo {

    static final List<String> RESOURCES = List.of("switchboard.yaml", "ticket-triage.yaml", "data/tickets.jsonl", "data/bad-events.jsonl");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the demo did. */
    /** @param firstTask from the JVM's launch to the first task delivered (start-up, broker, model and the first batch included) */
    public record Summary(int events, int badEvents, long tasks, Map<String, Long> tasksPerLabel, long deadLettered,
                          int agreed, int compared, Duration elapsed, Path tasksFile, Duration firstTask) {
        public double agreement() {
            return compared == 0 ? 0 : (double) agreed / compared;
        }

        public double eventsPerSecond() {
            return (events + badEvents) / Math.max(0.001, elapsed.toMillis() / 1000.0);
        }
    }

    private Demo() {
    }

    /** Runs the demo in {@code workDir} (created; Kafka data and tasks go there) and prints to {@code out}. */
    public static Summary run(Path workDir, PrintStream out, Duration timeout) throws IOException, InterruptedException {
        Path examples = ExampleResources.copyAll(RESOURCES, workDir.resolve("examples"));
        String configText = """
                kafka:
                  data_dir: ../kafka
                http:
                  port: 0
                sinks:
                  support-queue:
                    jsonl:
                      path: ../tasks.jsonl
                workflows:
                  - ticket-triage.yaml
                """;
        EngineConfigLoader.Result configResult = EngineConfigLoader.standard().parse("demo config", configText, examples);
        if (!configResult.ok()) {
            throw new IllegalStateException("Demo configuration is invalid: " + configResult.problems());
        }
        EngineConfig config = configResult.config();
        Path tasksFile = workDir.resolve("tasks.jsonl");
        Files.deleteIfExists(tasksFile);

        out.println("Switchboard demo: embedded Kafka broker, embedded model (encoder " + dev.switchboard.llm.embedded.EncoderModel.DEFAULT_ID
                + "), workflow ticket-triage");
        long started = System.nanoTime();
        try (Engine engine = Engine.builder(config).build()) {
            Workflow workflow = ExampleResources.load(engine, examples.resolve("ticket-triage.yaml"), out);
            engine.start(List.of(workflow));
            out.println("  broker    " + engine.bootstrapServers());
            String tickets = Files.readString(examples.resolve("data/tickets.jsonl"));
            String bad = Files.readString(examples.resolve("data/bad-events.jsonl"));
            int events = EventPublisher.publish(engine.bootstrapServers(), Map.of(), workflow.on().topic(), new StringReader(tickets));
            int badEvents = EventPublisher.publish(engine.bootstrapServers(), Map.of(), workflow.on().topic(), new StringReader(bad));
            out.println("  published " + events + " ticket events and " + badEvents + " broken events to " + workflow.on().topic());
            long deadline = System.nanoTime() + timeout.toNanos();
            String stage = "workflow." + workflow.name();
            long[] firstTaskAt = {0};
            DemoProgress.await(engine, deadline, counters -> {
                if (firstTaskAt[0] == 0 && DemoProgress.settledTasks(counters) > 0) {
                    firstTaskAt[0] = System.currentTimeMillis();
                }
                Map<String, Long> wf = counters.getOrDefault(stage, Map.of());
                return wf.getOrDefault("events", 0L) >= events + badEvents && DemoProgress.settledTasks(counters) >= wf.getOrDefault("tasks", 0L);
            }, counters -> "Demo did not finish within " + timeout.toSeconds() + " s: " + counters);
            Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
            Map<String, Long> wf = engine.counters().get(stage);
            // the counters are polled every 100 ms, so the first task is seen within 0.1 s of its delivery
            Duration firstTask = Duration.ofMillis(firstTaskAt[0] - ManagementFactory.getRuntimeMXBean().getStartTime());
            Summary summary = summarize(examples.resolve("data/tickets.jsonl"), tasksFile, events, badEvents,
                    wf.getOrDefault("dead_letters", 0L), elapsed, firstTask);
            print(summary, out);
            return summary;
        }
    }

    static Summary summarize(Path events, Path tasksFile, int eventCount, int badEvents, long deadLettered, Duration elapsed,
                             Duration firstTask) throws IOException {
        Map<String, String> expected = new HashMap<>();
        for (String line : Files.readAllLines(events, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                JsonNode event = JSON.readTree(line);
                expected.put(event.path("id").asText(), event.path("expectedlabel").asText(null));
            }
        }
        Map<String, Long> perLabel = new TreeMap<>();
        int agreed = 0;
        int compared = 0;
        long tasks = 0;
        for (String line : Files.readAllLines(tasksFile, StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            tasks++;
            JsonNode task = JSON.readTree(line);
            String label = task.path("fields").path("label").asText();
            perLabel.merge(label, 1L, Long::sum);
            String want = expected.get(task.path("eventId").asText());
            if (want != null) {
                compared++;
                if (want.equals(label)) {
                    agreed++;
                }
            }
        }
        return new Summary(eventCount, badEvents, tasks, perLabel, deadLettered, agreed, compared, elapsed, tasksFile, firstTask);
    }

    static void print(Summary summary, PrintStream out) {
        out.println();
        out.println("  events published      " + (summary.events() + summary.badEvents()) + " (" + summary.badEvents() + " deliberately broken)");
        out.println("  tasks delivered       " + summary.tasks() + "  -> " + summary.tasksFile());
        summary.tasksPerLabel().forEach((label, count) -> out.printf("    %-20s %4d%n", label, count));
        out.println("  dead-lettered         " + summary.deadLettered() + "  (topic switchboard.dlq, with reason and original bytes)");
        out.printf("  agreement             %.1f%% (%d of %d tasks match the sample's expected label)%n",
                100 * summary.agreement(), summary.agreed(), summary.compared());
        out.printf("  elapsed               %.1f s (including broker and model start-up)%n", summary.elapsed().toMillis() / 1000.0);
        out.printf("  first task            %.1f s after launch%n", summary.firstTask().toMillis() / 1000.0);
        out.printf("  throughput            %.0f events/s end to end%n", summary.eventsPerSecond());
        PeakMemory.residentBytes().ifPresent(bytes -> out.printf("  peak memory           %d MB resident (heap, JVM and the model's native memory)%n",
                bytes / (1024 * 1024)));
    }
}
