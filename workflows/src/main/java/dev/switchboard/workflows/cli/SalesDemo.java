package dev.switchboard.workflows.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.llm.sim.ModelSimulator;
import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.workflows.model.Workflow;
import dev.switchboard.workflows.runtime.Engine;
import io.micrometer.core.instrument.Counter;
import java.io.IOException;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code switchboard demo sales}: the sales-call-followup example on an embedded broker, its chat model
 * answered in-process by the model simulator from the sample's expected summaries, the CRM sinks as
 * JSON Lines files, every call published and a few published twice; then a summary of what reached
 * each CRM.
 */
public final class SalesDemo {

    static final String WORKFLOW = "sales-call-followup.yaml";
    static final List<String> RESOURCES = List.of(WORKFLOW, "data/sales-calls.jsonl", "data/sales-calls.expected.jsonl",
            "data/leads.jsonl", "data/leads.expected.jsonl");
    static final String KNOWLEDGE_BASE = "knowledge-base/sales-playbook";
    /** The sinks of the example, each a file here: the CRM it stands for is in the name. */
    static final List<String> SINKS = List.of("hubspot-tasks", "hubspot-call-notes", "salesforce-tasks", "salesforce-call-log",
            "pipedrive-activities", "pipedrive-call-log");
    /** How many calls are delivered a second time, to show that a call makes nothing twice. */
    static final int REDELIVERED = 3;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the demo did: records per sink, next-step tasks and how many matched the sample's next steps. */
    public record Summary(int calls, int redelivered, long dropped, Map<String, List<JsonNode>> records, int nextSteps,
                          int expectedNextSteps, Duration elapsed) {
        public long total() {
            return records.values().stream().mapToLong(List::size).sum();
        }
    }

    private SalesDemo() {
    }

    /** Runs the demo in {@code workDir} (created; Kafka data and the CRM files go there) and prints to {@code out}. */
    public static Summary run(Path workDir, PrintStream out, Duration timeout) throws IOException, InterruptedException {
        Path examples = ExampleResources.copyAll(RESOURCES, workDir.resolve("examples"));
        ExampleResources.copyFolder(KNOWLEDGE_BASE, examples);
        SalesSampleAnswers answers = SalesSampleAnswers.from(examples.resolve("data"), 0.9);
        long started = System.nanoTime();
        try (ModelSimulator model = ModelSimulator.start().answers(answers)) {
            for (String sink : SINKS) {
                Files.deleteIfExists(workDir.resolve(sink + ".jsonl"));
            }
            String sinks = ExampleResources.jsonlSinks(SINKS);
            String configText = """
                    kafka:
                      data_dir: ../kafka
                      streams:
                        state_dir: ../streams
                        dedup:
                          key: "event.type == 'call.completed' ? 'call/' + event.data.call_id : event.id"
                    http:
                      port: 0
                    models:
                      fast:
                        base_url: %s
                        model: simulated-chat
                        max_tokens: 1500
                    sinks:
                    %s""".formatted(model.baseUrl(), sinks);
            EngineConfigLoader.Result configResult = EngineConfigLoader.standard().parse("demo config", configText, examples);
            if (!configResult.ok()) {
                throw new IllegalStateException("Demo configuration is invalid: " + configResult.problems());
            }
            out.println("Switchboard sales demo: embedded Kafka broker, workflow sales-call-followup, chat model 'fast' = the built-in simulator");
            try (Engine engine = Engine.builder(configResult.config()).build()) {
                Workflow workflow = ExampleResources.load(engine, examples.resolve(WORKFLOW), out);
                engine.start(List.of(workflow));
                List<String> calls = Files.readAllLines(examples.resolve("data/sales-calls.jsonl"), StandardCharsets.UTF_8).stream()
                        .filter(line -> !line.isBlank()).toList();
                String input = configResult.config().kafka().streams().dedup().input();
                int published = EventPublisher.publish(engine.bootstrapServers(), Map.of(), input, new StringReader(String.join("\n", calls)));
                int again = EventPublisher.publish(engine.bootstrapServers(), Map.of(), input,
                        new StringReader(String.join("\n", calls.subList(0, REDELIVERED))));
                out.println("  published " + published + " call.completed events to " + input + ", and " + again + " of them a second time");
                awaitSettled(engine, workflow.name(), published, again, timeout);
                Summary summary = summarize(workDir, answers, published, again, dropped(engine), Duration.ofNanos(System.nanoTime() - started));
                print(summary, out);
                return summary;
            }
        }
    }

    private static void awaitSettled(Engine engine, String workflow, int calls, int redelivered, Duration timeout) throws InterruptedException {
        DemoProgress.await(engine, System.nanoTime() + timeout.toNanos(), counters -> {
            Map<String, Long> wf = counters.getOrDefault("workflow." + workflow, Map.of());
            boolean processed = wf.getOrDefault("events", 0L) + wf.getOrDefault("dead_letters", 0L) >= calls;
            return processed && DemoProgress.settledTasks(counters) >= wf.getOrDefault("tasks", 0L) && dropped(engine) >= redelivered;
        }, counters -> "Sales demo did not finish within " + timeout.toSeconds() + " s: " + counters + ", duplicates dropped " + dropped(engine));
    }

    private static long dropped(Engine engine) {
        Counter counter = engine.metrics().registry().find("switchboard.streams.events").tag("stage", "dedup").tag("outcome", "dropped").counter();
        return counter == null ? 0 : (long) counter.count();
    }

    static Summary summarize(Path workDir, SalesSampleAnswers answers, int calls, int redelivered, long dropped, Duration elapsed)
            throws IOException {
        Map<String, List<JsonNode>> records = new LinkedHashMap<>();
        int nextSteps = 0;
        int expected = 0;
        for (String sink : SINKS) {
            List<JsonNode> tasks = new ArrayList<>();
            Path file = workDir.resolve(sink + ".jsonl");
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (!line.isBlank()) {
                        tasks.add(JSON.readTree(line));
                    }
                }
            }
            records.put(sink, tasks);
        }
        for (JsonNode task : records.get("hubspot-tasks")) {
            if (task.path("step").asText().equals("hubspot-next-steps")) {
                nextSteps++;
            }
        }
        for (String sink : List.of("salesforce-tasks", "pipedrive-activities")) {
            for (JsonNode task : records.get(sink)) {
                if (task.path("step").asText().endsWith("-next-steps")) {
                    nextSteps++;
                }
            }
        }
        List<String> lines = Files.readAllLines(workDir.resolve("examples/data/sales-calls.jsonl"), StandardCharsets.UTF_8);
        for (String line : lines) {
            if (!line.isBlank()) {
                JsonNode call = answers.expectedCall(JSON.readTree(line).path("data").path("call_id").asText());
                expected += call == null ? 0 : call.path("next_steps").size();
            }
        }
        return new Summary(calls, redelivered, dropped, records, nextSteps, expected, elapsed);
    }

    static void print(Summary summary, PrintStream out) {
        out.println();
        out.println("  calls                 " + summary.calls() + " (" + summary.redelivered() + " delivered twice; duplicates dropped: "
                + summary.dropped() + ")");
        out.println("  CRM records           " + summary.total() + " (JSON Lines files standing in for the CRMs)");
        summary.records().forEach((sink, tasks) -> out.printf("    %-22s %4d%n", sink, tasks.size()));
        out.println("  next-step tasks       " + summary.nextSteps() + " (the sample's calls have " + summary.expectedNextSteps() + " next steps)");
        out.printf("  elapsed               %.1f s (including broker start-up)%n", summary.elapsed().toMillis() / 1000.0);
        out.println();
        out.println("  The model's answers came from the built-in simulator (canned from data/sales-calls.expected.jsonl),");
        out.println("  so the run is offline and repeatable. To use a real model, point 'fast' in switchboard.yaml at an");
        out.println("  OpenAI-compatible endpoint, e.g.   models: { fast: { preset: deepseek, model: deepseek-chat } }");
        out.println("  (presets: deepseek, qwen, vllm, ollama; see docs/models.md), then `switchboard run`.");
    }
}
