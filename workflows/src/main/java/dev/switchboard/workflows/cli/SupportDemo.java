package dev.switchboard.workflows.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.llm.sim.CannedAnswers;
import dev.switchboard.llm.sim.ModelSimulator;
import dev.switchboard.workflows.config.EngineConfig;
import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.workflows.model.Workflow;
import dev.switchboard.workflows.review.ReviewQueue;
import dev.switchboard.workflows.runtime.Engine;
import dev.switchboard.workflows.streams.CrmTables;
import dev.switchboard.workflows.streams.CrmTopology;
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
import java.util.regex.Pattern;

/**
 * {@code switchboard demo support}: the support copilot ({@code support-copilot.yaml}) end to end, offline. An
 * embedded Kafka broker with the CRM tables; the sample CRM records of Northwind Cloud's customers; the 70 sample
 * tickets and a few broken events; the model simulator in-process, answering each ticket's classification and
 * draft from a fixture, while retrieval over the 38 help-centre articles runs for real (all-MiniLM-L6-v2); the
 * replies and notes delivered to JSON Lines files; and a summary that compares each ticket's route with the one
 * the sample expects.
 */
public final class SupportDemo {

    static final String WORKFLOW = "support-copilot.yaml";
    static final List<String> RESOURCES = List.of(WORKFLOW, "data/support-tickets.jsonl", "data/support-tickets.expected.jsonl",
            "data/support-crm.jsonl", "data/support-tickets.model-answers.jsonl", "data/bad-events.jsonl");
    static final String KNOWLEDGE_BASE = "knowledge-base/support";
    /** The ticket id the flow's input starts with: the key of the canned answers. */
    static final Pattern TICKET = Pattern.compile("Ticket ([A-Za-z0-9-]+):");
    static final List<String> OUTPUTS = List.of("zendesk-replies", "freshdesk-replies", "mail-replies", "support-queue");
    private static final ObjectMapper JSON = new ObjectMapper();

    private SupportDemo() {
    }

    /** Runs the demo in {@code workDir} (created; Kafka data and deliveries go there) and prints to {@code out}. */
    public static SupportDemoSummary run(Path workDir, PrintStream out, Duration timeout) throws IOException, InterruptedException {
        Path examples = ExampleResources.copyAll(RESOURCES, workDir.resolve("examples"));
        ExampleResources.copyFolder(KNOWLEDGE_BASE, examples);
        long started = System.nanoTime();
        try (ModelSimulator model = ModelSimulator.start()) {
            CannedAnswers answers;
            try (var fixture = Files.newBufferedReader(examples.resolve("data/support-tickets.model-answers.jsonl"), StandardCharsets.UTF_8)) {
                answers = CannedAnswers.read(fixture, TICKET);
            }
            model.answers(answers).logLimit(0);
            EngineConfig config = config(examples, model.baseUrl());
            out.println("Switchboard demo: support copilot (workflow support-copilot), embedded Kafka broker, CRM tables, "
                    + "model answers from the simulator");
            try (Engine engine = Engine.builder(config).build()) {
                Workflow workflow = ExampleResources.load(engine, examples.resolve(WORKFLOW), out);
                engine.start(List.of(workflow));
                out.println("  broker    " + engine.bootstrapServers());
                out.println("  model     simulator at " + model.baseUrl() + ", " + answers.size() + " tickets' answers from "
                        + "data/support-tickets.model-answers.jsonl");
                long deadline = System.nanoTime() + timeout.toNanos();
                int records = loadCrm(engine, examples.resolve("data/support-crm.jsonl"), config, deadline);
                out.println("  crm       " + records + " companies and owners in the CRM tables (data/support-crm.jsonl)");
                int tickets = publish(engine, workflow, examples.resolve("data/support-tickets.jsonl"));
                int broken = publish(engine, workflow, examples.resolve("data/bad-events.jsonl"));
                out.println("  published " + tickets + " tickets and " + broken + " broken events to " + workflow.on().topic());
                Map<String, Long> counts = awaitSettled(engine, "workflow." + workflow.name(), tickets + broken, deadline);
                List<JsonNode> reviews = new ReviewQueue(engine.bootstrapServers(), Map.of(), config.topics().review(),
                        config.topics().decisions()).pending(1000);
                SupportDemoSummary summary = SupportDemoSummary.of(examples.resolve("data/support-tickets.expected.jsonl"),
                        deliveries(workDir), reviews, tickets, broken, counts.getOrDefault("dead_letters", 0L), model.requestCount(),
                        Duration.ofNanos(System.nanoTime() - started), workDir);
                summary.print(out);
                return summary;
            }
        }
    }

    /** The demo's engine: CRM tables, the simulator as model {@code fast}, every sink a file in the work folder. */
    static EngineConfig config(Path examples, String modelUrl) {
        String sinks = ExampleResources.jsonlSinks(OUTPUTS);
        String text = """
                kafka:
                  data_dir: ../kafka
                  streams:
                    state_dir: ../streams
                    crm: {}
                http:
                  port: 0
                models:
                  fast:
                    base_url: %s
                    model: simulated-qwen2.5-7b-instruct
                    max_tokens: 1024
                sinks:
                %sworkflows:
                  - %s
                """.formatted(modelUrl, sinks, WORKFLOW);
        EngineConfigLoader.Result result = EngineConfigLoader.standard().parse("demo support config", text, examples);
        if (!result.ok()) {
            throw new IllegalStateException("Demo configuration is invalid: " + result.problems());
        }
        return result.config();
    }

    /**
     * Publishes the CRM records to the change topic and waits until the tables hold every one, and the
     * indexes (a company by its domain, a person by email) too: the workflow looks accounts up by domain,
     * and an index is built through a repartition topic, so it can lag its table. How many records.
     */
    private static int loadCrm(Engine engine, Path file, EngineConfig config, long deadline) throws IOException, InterruptedException {
        String topic = config.kafka().streams().crm().topics().get(0);
        int count = EventPublisher.publish(engine.bootstrapServers(), Map.of(), topic, Files.newBufferedReader(file, StandardCharsets.UTF_8));
        CrmTables tables = engine.streams().crm().orElseThrow();
        List<Lookup> lookups = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                JsonNode event = JSON.readTree(line);
                String entity = event.path("type").asText().split("\\.")[1];
                lookups.add(new Lookup(entity, "id", event.path("data").path("id").asText()));
                String indexed = CrmTopology.INDEXES.get(entity);
                if (indexed != null && event.path("data").hasNonNull(indexed)) {
                    lookups.add(new Lookup(entity, indexed, event.path("data").path(indexed).asText()));
                }
            }
        }
        while (!lookups.stream().allMatch(lookup -> present(tables, lookup))) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The CRM tables did not load " + file.getFileName() + " in time");
            }
            Thread.sleep(200); // polling the tables while Kafka Streams restores and processes them
        }
        return count;
    }

    /** A record as the workflow finds it: by its id, or by the field its entity is indexed by. */
    private record Lookup(String entity, String by, String key) {
    }

    private static boolean present(CrmTables tables, Lookup lookup) {
        try {
            return tables.find(lookup.entity(), lookup.by(), lookup.key()).isPresent();
        } catch (RuntimeException stillStarting) {
            return false;
        }
    }

    private static int publish(Engine engine, Workflow workflow, Path file) throws IOException, InterruptedException {
        return EventPublisher.publish(engine.bootstrapServers(), Map.of(), workflow.on().topic(),
                new StringReader(Files.readString(file, StandardCharsets.UTF_8)));
    }

    /** Waits until every event is processed and every task delivered or dead-lettered; the workflow's counters. */
    private static Map<String, Long> awaitSettled(Engine engine, String stage, int events, long deadline) throws InterruptedException {
        return DemoProgress.await(engine, deadline, counters -> {
            Map<String, Long> workflow = counters.getOrDefault(stage, Map.of());
            return workflow.getOrDefault("events", 0L) >= events && DemoProgress.settledTasks(counters) >= workflow.getOrDefault("tasks", 0L);
        }, counters -> "Demo did not finish in time: " + counters).getOrDefault(stage, Map.of());
    }

    /** The tasks delivered to each output file, by sink. */
    private static Map<String, List<JsonNode>> deliveries(Path workDir) throws IOException {
        Map<String, List<JsonNode>> delivered = new LinkedHashMap<>();
        for (String sink : OUTPUTS) {
            Path file = workDir.resolve(sink + ".jsonl");
            List<JsonNode> tasks = new java.util.ArrayList<>();
            if (Files.exists(file)) {
                for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                    if (!line.isBlank()) {
                        tasks.add(JSON.readTree(line));
                    }
                }
            }
            delivered.put(sink, tasks);
        }
        return delivered;
    }
}
