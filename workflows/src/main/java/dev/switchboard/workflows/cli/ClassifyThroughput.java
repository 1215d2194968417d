package dev.switchboard.workflows.cli;

import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.switchboard.llm.embedded.BatchEncoder;
import dev.switchboard.llm.embedded.EmbeddedClassifier;
import dev.switchboard.llm.embedded.EncoderModel;
import dev.switchboard.llm.spi.LabelSet;
import dev.switchboard.workflows.config.EngineConfig;
import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.workflows.model.Workflow;
import dev.switchboard.workflows.runtime.Engine;
import dev.switchboard.workflows.runtime.KafkaTopics;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Embedded classification of the demo tickets, four ways on the same texts in one run: (c0) the zero-shot
 * classifier over LangChain4j's all-MiniLM-L6-v2 {@code embedAll}, as it was before encoders were a choice, the
 * baseline; (c1) the same classifier over the default encoder, batched; (c2) the bare default encoder, the
 * ceiling; (c3) the demo's ticket-triage workflow on the engine, from a Kafka topic to the tasks topic.
 */
final class ClassifyThroughput implements AutoCloseable {

    /** Texts per second of each way, in one round. */
    record Round(double before, double classify, double encoder, double workflow) {
    }

    private static final int STEP_BATCH = 32;
    /** What the workflow route polls at most; the bare encoder gets the texts in chunks of that size. */
    private static final int POLL = 256;

    private final List<String> texts;
    private final List<byte[]> events;
    private final LabelSet labels = new LabelSet(BenchTickets.LABELS, Map.of());
    private final EmbeddedClassifier before = new EmbeddedClassifier("embedded", new AllMiniLmL6V2EmbeddingModel());
    private final BatchEncoder encoder = new BatchEncoder(EncoderModel.byId(EncoderModel.DEFAULT_ID).orElseThrow());
    private final EmbeddedClassifier classifier = new EmbeddedClassifier("embedded", encoder);

    ClassifyThroughput(int count) throws IOException {
        texts = BenchTickets.texts(count);
        events = BenchTickets.events(count);
        List<String> warmUp = texts.subList(0, Math.min(STEP_BATCH, texts.size()));
        before.classify(labels, warmUp); // model loads and label vectors, not measured
        classifier.classify(labels, warmUp);
    }

    Round round(String bootstrap, int run, Path folder) throws Exception {
        double beforeRate = rate(() -> {
            for (int i = 0; i < texts.size(); i += STEP_BATCH) {
                before.classify(labels, texts.subList(i, Math.min(texts.size(), i + STEP_BATCH)));
            }
        });
        double classifyRate = rate(() -> {
            for (int i = 0; i < texts.size(); i += STEP_BATCH) {
                classifier.classify(labels, texts.subList(i, Math.min(texts.size(), i + STEP_BATCH)));
            }
        });
        double encoderRate = rate(() -> {
            for (int i = 0; i < texts.size(); i += POLL) {
                encoder.encode(texts.subList(i, Math.min(texts.size(), i + POLL)));
            }
        });
        return new Round(beforeRate, classifyRate, encoderRate, workflow(bootstrap, run, folder));
    }

    private double rate(Runnable work) {
        long started = System.nanoTime();
        work.run();
        return texts.size() / ((System.nanoTime() - started) / 1e9);
    }

    /**
     * The demo's workflow (classify with the {@code embedded} model, then a task), on its own topic and group. A first
     * batch loads the model; then the events are published and timed until the workflow has processed the last one.
     */
    private double workflow(String bootstrap, int run, Path folder) throws Exception {
        String topic = "bench.classify.in." + run;
        String yaml;
        try (InputStream in = ClassifyThroughput.class.getResourceAsStream("/examples/ticket-triage.yaml")) {
            if (in == null) {
                throw new IOException("Missing the example /examples/ticket-triage.yaml on the classpath");
            }
            yaml = new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("name: ticket-triage", "name: bench-classify-" + run)
                    .replace("topic: switchboard.events", "topic: " + topic);
        }
        Files.createDirectories(folder);
        Files.writeString(folder.resolve("triage.yaml"), yaml);
        String configText = """
                kafka:
                  bootstrap_servers: %s
                topics:
                  tasks: bench.classify.tasks.%d
                http:
                  port: -1
                sinks:
                  support-queue:
                    jsonl:
                      path: tasks.jsonl
                """.formatted(bootstrap, run);
        EngineConfig config = EngineConfigLoader.standard().parse("bench", configText, folder).config();
        KafkaTopics.create(bootstrap, Map.of(), Set.of(topic), 3, (short) 1);
        try (Engine engine = Engine.builder(config).build()) {
            Workflow workflow = BenchCommand.startWithoutDelivery(engine, folder.resolve("triage.yaml"));
            String stage = "workflow." + workflow.name();
            List<byte[]> warmUp = events.subList(0, Math.min(STEP_BATCH, events.size()));
            BenchCommand.publish(bootstrap, topic, warmUp);
            awaitProcessed(engine, stage, warmUp.size());
            long started = System.nanoTime();
            BenchCommand.publish(bootstrap, topic, events);
            awaitProcessed(engine, stage, warmUp.size() + events.size());
            return events.size() / ((System.nanoTime() - started) / 1e9);
        }
    }

    private static void awaitProcessed(Engine engine, String stage, long count) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(10).toNanos();
        while (engine.counters().getOrDefault(stage, Map.of()).getOrDefault("events", 0L) < count) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("The workflow did not process " + count + " events within 10 minutes");
            }
            Thread.sleep(2); // sampling the counter; resolution is far below the run's length
        }
    }

    @Override
    public void close() {
        encoder.close();
    }
}
