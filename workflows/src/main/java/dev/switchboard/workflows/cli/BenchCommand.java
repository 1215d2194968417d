package dev.switchboard.workflows.cli;

import dev.switchboard.llm.embedded.EncoderModel;
import dev.switchboard.workflows.config.EngineConfig;
import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.workflows.kafka.EmbeddedKafkaBroker;
import dev.switchboard.workflows.kafka.KafkaClients;
import dev.switchboard.workflows.model.Workflow;
import dev.switchboard.workflows.model.WorkflowLoader;
import dev.switchboard.workflows.runtime.Engine;
import dev.switchboard.workflows.runtime.KafkaTopics;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The walking-skeleton benchmark. On one embedded broker, in one run: (a) a raw Kafka
 * consume→produce pipe that commits after its outputs are acknowledged, the baseline, and (a2) the same pipe
 * committing one poll later, as the workflow's route does (a poll's acknowledgements awaited after the next poll's
 * records are sent), so that b/a2 compares like with like; (b) the same
 * events through a workflow with a CEL condition and a task step (no model); (c) embedded classify
 * texts per second ({@link ClassifyThroughput}: before and now, the bare encoder, and through the demo
 * workflow); (d) the dedup stage (Kafka Streams, exactly-once) between two topics. Runs are interleaved
 * (a, b, d, c, then again); every run's figures are printed, then the median and spread of each measure and
 * of the ratios b/a, d/a, c1/c0 and c3/c2 taken run by run, and the load average. (a) and (b) batch alike
 * (256 records a poll, acks=all, idempotent, linger 2 ms) and are timed alike, from a read to the last commit.
 */
@Command(name = "bench", subcommands = BenchHttpCommand.class, description = "Measures the engine against a raw Kafka pipe on the same broker and prints the ratio.")
public final class BenchCommand extends WorkFolderCommand {

    /** Warm-up rounds number their topics from here, apart from the measured runs'. */
    private static final int WARMUP_RUNS = 1000;

    @Option(names = "--events", paramLabel = "COUNT", defaultValue = "100000", description = "Events per pipeline and run (default: ${DEFAULT-VALUE}).")
    int events;

    @Option(names = "--runs", paramLabel = "COUNT", defaultValue = "5", description = "Interleaved runs; every run is printed, then the median "
            + "and the spread (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--warmup-max-seconds", paramLabel = "SECONDS", defaultValue = "120", description = "Before the runs, unmeasured rounds of "
            + "(a), (a2) and (b) go on until this JVM's JIT compilers are nearly idle (compiling for under a twentieth of each of two "
            + "rounds in a row) or this long has passed; 0: none (default: ${DEFAULT-VALUE}).")
    int warmupMaxSeconds;

    // 500 texts last the workflow about 2 s, in which its start (the first poll's slices, each written and committed) weighs:
    // 2,000 measure it nearer its steady rate, as the bare encoder is (c3/c2 median 0.73 with 500, 0.79 with 2,000, same machine)
    @Option(names = "--texts", paramLabel = "COUNT", defaultValue = "2000", description = "Texts for the classify measurement, the demo "
            + "tickets in turn (default: ${DEFAULT-VALUE}).")
    int texts;

    @Option(names = "--skip", split = ",", paramLabel = "PART", description = "Parts to leave out: dedup, classify (default: none).")
    Set<String> skip = Set.of();

    @Override
    Integer run(PrintWriter out, Path dir) throws Exception {
        List<byte[]> sample = BenchTickets.events(events);
        out.printf("Switchboard benchmark: %,d events per pipeline, %d-byte average event, %d texts to classify, %d interleaved runs,"
                        + " every run shown; load average %s at the start%n",
                events, sample.stream().mapToInt(b -> b.length).sum() / sample.size(), texts, runs, BenchLlmCommand.loadAverage());
        out.flush();
        boolean dedup = !skip.contains("dedup");
        boolean classifying = !skip.contains("classify");
        BenchRuns measured = new BenchRuns();
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDir(dir.resolve("kafka")).port(0).build();
             ClassifyThroughput classify = classifying ? new ClassifyThroughput(texts) : null) {
            broker.start();
            String bootstrap = broker.bootstrapServers();
            String encoder = EncoderModel.DEFAULT_ID;
            warmUp(bootstrap, sample, out);
            for (int run = 1; run <= runs; run++) {
                double raw = rawPipe(bootstrap, sample, run, false);
                measured.add("(a) raw pipe, events/s", raw);
                out.printf("  run %d (a) raw consume->produce pipe    %,10.0f events/s (load %s)%n", run, raw, BenchLlmCommand.loadAverage());
                out.flush();
                double overlapped = rawPipe(bootstrap, sample, run, true);
                measured.add("(a2) raw pipe, commit one poll later, events/s", overlapped);
                out.printf("  run %d (a2) raw pipe, commit one poll later %,7.0f events/s (load %s)%n", run, overlapped, BenchLlmCommand.loadAverage());
                out.flush();
                double workflow = workflowPipe(bootstrap, sample, run);
                measured.add("(b) workflow (CEL + task), events/s", workflow);
                out.printf("  run %d (b) workflow: CEL when + task     %,10.0f events/s (load %s)%n", run, workflow, BenchLlmCommand.loadAverage());
                out.flush();
                if (dedup) {
                    double stage = dedupStage(bootstrap, sample, run, dir.resolve("streams-" + run));
                    measured.add("(d) dedup stage (exactly_once_v2), events/s", stage);
                    out.printf("  run %d (d) dedup stage (exactly-once)    %,10.0f events/s%n", run, stage);
                    out.flush();
                }
                if (classifying) {
                    ClassifyThroughput.Round round = classify.round(bootstrap, run, dir.resolve("classify-" + run));
                    measured.add("(c0) classify, LangChain4j all-MiniLM-L6-v2, texts/s", round.before());
                    measured.add("(c1) classify, batched " + encoder + ", texts/s", round.classify());
                    measured.add("(c2) bare encoder " + encoder + ", texts/s", round.encoder());
                    measured.add("(c3) classify through the demo workflow, texts/s", round.workflow());
                    out.printf("  run %d (c) embedded classify             %,10.0f texts/s%n", run, round.classify());
                    out.flush();
                }
                measured.add("load average (1 min) after the run", EncoderThroughput.load(), 1);
            }
        }
        measured.ratio("b/a (target >= 0.8)", "(b) workflow (CEL + task), events/s", "(a) raw pipe, events/s");
        measured.ratio("b/a2 (the same overlap on both sides)", "(b) workflow (CEL + task), events/s", "(a2) raw pipe, commit one poll later, events/s");
        if (dedup) {
            measured.ratio("d/a", "(d) dedup stage (exactly_once_v2), events/s", "(a) raw pipe, events/s");
        }
        if (classifying) {
            String encoder = EncoderModel.DEFAULT_ID;
            measured.ratio("c1/c0 (target >= 2)", "(c1) classify, batched " + encoder + ", texts/s", "(c0) classify, LangChain4j all-MiniLM-L6-v2, texts/s");
            measured.ratio("c3/c2 (target >= 0.8)", "(c3) classify through the demo workflow, texts/s", "(c2) bare encoder " + encoder + ", texts/s");
        }
        out.println();
        measured.print(out, runs);
        out.flush();
        return 0;
    }

    /** Starts {@code engine} on the one workflow in {@code file}, without the delivery stage: the benchmark counts the workflow's work. */
    static Workflow startWithoutDelivery(Engine engine, Path file) {
        WorkflowLoader.Result loaded = engine.loader().load(file);
        if (!loaded.ok()) {
            throw new IllegalStateException(loaded.problems().toString());
        }
        Workflow workflow = loaded.workflow();
        engine.start(List.of(workflow), false);
        return workflow;
    }

    static void publish(String bootstrap, String topic, List<byte[]> events) throws Exception {
        // Loading the input, not measured. An idempotent producer that meets a partition whose leader is not ready yet
        // (just created) can get stuck on OUT_OF_ORDER_SEQUENCE_NUMBER until delivery.timeout.ms on a loaded machine;
        // one batch in flight keeps the order without sequence numbers.
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(bootstrap, Map.of(), Map.of(
                ProducerConfig.LINGER_MS_CONFIG, "5",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false",
                ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1"))) {
            List<Future<RecordMetadata>> futures = new ArrayList<>();
            for (int i = 0; i < events.size(); i++) {
                futures.add(producer.send(new ProducerRecord<>(topic, ("k" + (i % 64)).getBytes(StandardCharsets.UTF_8), events.get(i))));
            }
            for (Future<RecordMetadata> future : futures) {
                future.get();
            }
        }
    }

    /**
     * The baseline: poll, produce each record to an output topic, wait for acks, commit. {@code overlapped}: as the
     * workflow's route does, a poll's acknowledgements are awaited and its offsets committed after the next poll's records
     * are sent (the last poll's at the end), so that the round trip of one overlaps the next.
     */
    static double rawPipe(String bootstrap, List<byte[]> events, int run, boolean overlapped) throws Exception {
        String in = "bench.raw" + (overlapped ? "2" : "") + ".in." + run;
        String outTopic = "bench.raw" + (overlapped ? "2" : "") + ".out." + run;
        KafkaTopics.create(bootstrap, Map.of(), Set.of(in, outTopic), 3, (short) 1);
        publish(bootstrap, in, events);
        long started = 0;
        int seen = 0;
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(bootstrap, Map.of(), Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, "bench.raw" + (overlapped ? "2" : "") + "." + run,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "256"));
             KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(bootstrap, Map.of(), Map.of(
                     ProducerConfig.ACKS_CONFIG, "all",
                     ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                     ProducerConfig.LINGER_MS_CONFIG, "2"))) {
            consumer.subscribe(List.of(in));
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            List<Future<RecordMetadata>> unanswered = List.of();
            Map<TopicPartition, OffsetAndMetadata> uncommitted = Map.of();
            while (seen < events.size() && System.nanoTime() < deadline) {
                ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
                if (records.isEmpty()) {
                    continue;
                }
                if (started == 0) {
                    started = System.nanoTime();
                }
                List<Future<RecordMetadata>> futures = new ArrayList<>();
                Map<TopicPartition, OffsetAndMetadata> next = new HashMap<>();
                for (ConsumerRecord<byte[], byte[]> record : records) {
                    futures.add(producer.send(new ProducerRecord<>(outTopic, record.key(), record.value())));
                    next.put(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1));
                }
                if (overlapped) {
                    settle(consumer, unanswered, uncommitted);
                    unanswered = futures;
                    uncommitted = next;
                } else {
                    settle(consumer, futures, next);
                }
                seen += records.count();
            }
            settle(consumer, unanswered, uncommitted);
        }
        return seen / ((System.nanoTime() - started) / 1e9);
    }

    private static void settle(KafkaConsumer<byte[], byte[]> consumer, List<Future<RecordMetadata>> acknowledgements,
                               Map<TopicPartition, OffsetAndMetadata> offsets) throws Exception {
        for (Future<RecordMetadata> acknowledgement : acknowledgements) {
            acknowledgement.get();
        }
        if (!offsets.isEmpty()) {
            consumer.commitSync(offsets);
        }
    }

    /**
     * Unmeasured rounds of the three no-model pipes until the JIT compilers have settled: the broker, the clients and the
     * engine share this JVM, and C2 takes most of a core for a minute after start, which the first runs would otherwise
     * measure (the raw pipe's small loop settles sooner than the workflow's path, flattering the ratios' baseline).
     */
    private void warmUp(String bootstrap, List<byte[]> sample, PrintWriter out) throws Exception {
        if (warmupMaxSeconds <= 0) {
            return;
        }
        JitTime.Settling settling = new JitTime.Settling(warmupMaxSeconds, 2);
        for (int round = 1; ; round++) {
            JitTime.Span span = JitTime.start();
            double raw = rawPipe(bootstrap, sample, WARMUP_RUNS + round, false);
            double overlapped = rawPipe(bootstrap, sample, WARMUP_RUNS + round, true);
            double workflow = workflowPipe(bootstrap, sample, WARMUP_RUNS + round);
            double compiling = span.share();
            out.printf("  warm-up round %d: (a) %,.0f, (a2) %,.0f, (b) %,.0f events/s; this JVM's JIT compiling %s of the round%n", round, raw,
                    overlapped, workflow, JitTime.percent(compiling));
            out.flush();
            if (settling.done(compiling)) {
                return;
            }
        }
    }

    /** The same events through a workflow with a CEL condition and a task step, delivery stage off. */
    static double workflowPipe(String bootstrap, List<byte[]> events, int run) throws Exception {
        Path folder = Files.createTempDirectory("switchboard-bench");
        String topic = "bench.wf.in." + run;
        String yaml = """
                name: bench-%d
                on:
                  topic: %s
                  types: [ticket.created]
                  start: earliest
                steps:
                  - id: create-task
                    when: "event.data.subject != ''"
                    task:
                      sink: bench
                      title: "{{ event.data.subject }}"
                      body: "{{ event.data.body }}"
                      fields:
                        channel: "{{ event.data.channel }}"
                """.formatted(run, topic);
        Files.writeString(folder.resolve("bench.yaml"), yaml);
        String configText = """
                kafka:
                  bootstrap_servers: %s
                topics:
                  tasks: bench.tasks.%d
                http:
                  port: -1
                sinks:
                  bench:
                    jsonl:
                      path: bench-tasks.jsonl
                """.formatted(bootstrap, run);
        EngineConfig config = EngineConfigLoader.standard().parse("bench", configText, folder).config();
        KafkaTopics.create(bootstrap, Map.of(), Set.of(topic), 3, (short) 1);
        publish(bootstrap, topic, events);
        try (Engine engine = Engine.builder(config).build()) {
            Workflow workflow = startWithoutDelivery(engine, folder.resolve("bench.yaml"));
            String stage = "workflow." + workflow.name();
            long started = 0;
            long processedAtStart = 0;
            long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
            // The engine shows when a batch is processed, not when it is read: the clock starts at the first batch done and
            // counts only the events after it, so it runs from a read to the last commit, as the raw pipe's does.
            while (System.nanoTime() < deadline) {
                long processed = engine.counters().getOrDefault(stage, Map.of()).getOrDefault("events", 0L);
                if (processed > 0 && started == 0) {
                    started = System.nanoTime();
                    processedAtStart = processed;
                }
                if (processed >= events.size()) {
                    break;
                }
                Thread.sleep(2); // sampling the counter; resolution is far below the run's length
            }
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                while (committed(admin, workflow.consumerGroup(), topic) < events.size() && System.nanoTime() < deadline) {
                    Thread.sleep(2);
                }
            }
            return (events.size() - processedAtStart) / ((System.nanoTime() - started) / 1e9);
        }
    }

    /** The offsets a consumer group has committed on a topic, summed over its partitions: records read and committed. */
    private static long committed(Admin admin, String group, String topic) throws Exception {
        return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet().stream()
                .filter(entry -> entry.getKey().topic().equals(topic) && entry.getValue() != null)
                .mapToLong(entry -> entry.getValue().offset())
                .sum();
    }

    /**
     * The dedup stage between two topics, every event new (each one is looked up, stored and written),
     * timed from its first record until the last one is readable downstream (read_committed). Each run
     * is its own application, so it starts with an empty store and its own consumer group.
     */
    static double dedupStage(String bootstrap, List<byte[]> events, int run, Path stateDir) throws Exception {
        String in = "bench.dedup.in." + run;
        String outTopic = "bench.dedup.out." + run;
        KafkaTopics.create(bootstrap, Map.of(), Set.of(in, outTopic), 3, (short) 1);
        publish(bootstrap, in, events);
        java.util.concurrent.atomic.AtomicLong processed = new java.util.concurrent.atomic.AtomicLong();
        String application = "bench.dedup." + run;
        var topology = dev.switchboard.workflows.streams.DedupTopology.build(in, outTopic, Duration.ofHours(24), "event.id",
                (stage, outcome) -> processed.incrementAndGet());
        var streamsProperties = dev.switchboard.workflows.streams.StreamsStage.properties(application, bootstrap, Map.of(), stateDir,
                (short) 1, "earliest", Map.of());
        try (KafkaConsumer<byte[], byte[]> reader = KafkaClients.consumer(bootstrap, Map.of(), Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, "bench.dedup.reader." + run,
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
            reader.subscribe(List.of(outTopic));
            try (var stage = dev.switchboard.workflows.streams.StreamsStage.start(application, topology, streamsProperties)) {
                long started = 0;
                int written = 0;
                long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
                while (written < events.size() && System.nanoTime() < deadline) {
                    written += reader.poll(Duration.ofMillis(20)).count();
                    if (started == 0 && processed.get() > 0) {
                        started = System.nanoTime();
                    }
                }
                return written / ((System.nanoTime() - started) / 1e9);
            }
        }
    }
}
