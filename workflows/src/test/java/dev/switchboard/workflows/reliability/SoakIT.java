package dev.switchboard.workflows.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.switchboard.llm.sim.ModelSimulator;
import dev.switchboard.llm.sim.SimulatedLatency;
import dev.switchboard.llm.sim.ModelSimulator.Fault;
import dev.switchboard.schemas.Task;
import dev.switchboard.workflows.runtime.DeadLetters;
import dev.switchboard.workflows.testing.SharedKafka;
import dev.switchboard.workflows.testing.TaskReceiver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The soak: mixed traffic for a long time against the engine as its own process, reporting heap
 * growth, consumer lag and GC pauses minute by minute. Not part of the CI suite; run it with
 *
 * <pre>
 * ./mvnw -B -pl workflows -am test -Dtest=SoakIT -Dsurefire.failIfNoSpecifiedTests=false \
 *     -Dswitchboard.soak=true -Dswitchboard.soak.minutes=30
 * </pre>
 *
 * Traffic: about 40 events a second; 70% plain tickets to a webhook, 25% classified by a chain of
 * two simulated models (3% of answers 500, 2% malformed), 5% broken events; the receiver fails 2%
 * of requests. Figures go to standard output and {@code target/reliability/soak-*.txt}.
 *
 * <p>It asserts bounds, not only that the process lives: heap after a full collection grows less than
 * {@code switchboard.soak.maxHeapGrowthMb} (64) from minute 1 to the end, the consumer lag drains to 0,
 * no GC pause exceeds {@code switchboard.soak.maxGcPauseMs} (500), and every event is accounted for:
 * each ticket.created a task, each ticket.updated a task, a review or a dead letter, each broken one a
 * dead letter. The whole run is bounded by its minutes plus 5.
 */
@ExtendWith(SharedKafka.class)
@EnabledIfSystemProperty(named = "switchboard.soak", matches = "true")
class SoakIT {

    private static final int MINUTES = Integer.getInteger("switchboard.soak.minutes", 30);
    private static final int EVENTS_PER_SECOND = Integer.getInteger("switchboard.soak.rate", 40);
    private static final long MAX_HEAP_GROWTH_MB = Long.getLong("switchboard.soak.maxHeapGrowthMb", 64);
    private static final java.util.regex.Pattern EVENT_ID = java.util.regex.Pattern.compile("\"id\":\"(soak-\\d+)\"");
    private static final long MAX_GC_PAUSE_MS = Long.getLong("switchboard.soak.maxGcPauseMs", 500);

    @TempDir
    Path dir;

    private record Sample(int minute, long published, long delivered, long heapUsed, long liveAfterMajorGc, double lag,
                          double gcPauseSeconds, long gcPauses, double gcPauseMax) {
    }

    @Test
    void should_keep_heap_lag_and_pauses_flat_when_mixed_traffic_runs_for_a_long_time(SharedKafka.Bootstrap kafka) {
        assertTimeoutPreemptively(Duration.ofMinutes(MINUTES + 5L), () -> soak(kafka), "the soak ran past its minutes plus 5");
    }

    private void soak(SharedKafka.Bootstrap kafka) throws Exception {
        String suffix = Scenario.suffix();
        String topic = "soak.events." + suffix;
        int httpPort = Metrics.freePort();
        Path report = Logs.file("soak-" + suffix + ".txt");
        TopicReader.createTopic(kafka.servers(), topic, 3, Map.of());
        try (TaskReceiver receiver = new TaskReceiver().faults(0.02, Scenario.SEED, Duration.ZERO, TaskReceiver.Fault.SERVER_ERROR);
             ModelSimulator primary = ModelSimulator.start();
             ModelSimulator fallback = ModelSimulator.start()) {
            primary.latency(SimulatedLatency.logNormal(Duration.ofMillis(20), 0.5, Scenario.SEED))
                    .faultFraction(0.03, Fault.serverError()).faultFraction(0.02, Fault.malformedJson());
            fallback.latency(Duration.ofMillis(10));
            Files.writeString(dir.resolve("plain.yaml"), """
                    name: soak-plain-%s
                    on: {topic: %s, types: [ticket.created], filter: "event.data.priority != 'low'", start: earliest}
                    steps:
                      - id: create-task
                        task: {sink: receiver, title: "{{ event.data.subject }}", body: "{{ event.data.body }}"}
                    """.formatted(suffix, topic));
            Files.writeString(dir.resolve("triage.yaml"), """
                    name: soak-triage-%s
                    on: {topic: %s, types: [ticket.updated], start: earliest}
                    steps:
                      - id: triage
                        classify:
                          input: "{{ event.data.subject }}: {{ event.data.body }}"
                          model: chain
                          labels: {billing: Invoices and refunds, bug: Something is broken, how_to: Questions on using a feature}
                      - id: create-task
                        task: {sink: receiver, title: "[{{ steps.triage.label }}] {{ event.data.subject }}"}
                    """.formatted(suffix, topic));
            Path config = dir.resolve("switchboard.yaml");
            Files.writeString(config, """
                    kafka:
                      bootstrap_servers: %s
                    topics: {tasks: soak.tasks.%s, dead_letter: soak.dlq.%s, deliveries: soak.deliveries.%s, review: soak.review.%s, audit: soak.audit.%s}
                    models:
                      sim-a: {provider: openai, base_url: "%s", model: sim-a, timeout_seconds: 2, max_tokens: 64, max_concurrency: 16}
                      sim-b: {provider: openai, base_url: "%s", model: sim-b, timeout_seconds: 2, max_tokens: 64}
                    aliases: {chain: [sim-a, sim-b]}
                    sinks:
                      receiver: {webhook: {url: "%s", timeout_seconds: 5}}
                    outbound: {allowed_hosts: ["%s"]}
                    http: {port: -1}
                    admin: {port: %d}
                    delivery: {max_attempts: 8, initial_backoff_ms: 50, max_backoff_ms: 2000}
                    workflows: [plain.yaml, triage.yaml]
                    """.formatted(kafka.servers(), suffix, suffix, suffix, suffix, suffix, primary.baseUrl(), fallback.baseUrl(),
                    receiver.url(), receiver.hostAndPort(), httpPort));
            List<Sample> samples = new ArrayList<>();
            try (EngineProcess engine = new EngineProcess(config, Logs.file("soak-" + suffix + ".log"), Map.of(),
                    List.of("-Xmx512m", "-XX:+UseG1GC"));
                 KafkaProducer<byte[], byte[]> producer = TopicReader.producer(kafka.servers(), Map.of())) {
                engine.start().awaitRunning(Duration.ofSeconds(90));
                Random random = new Random(Scenario.SEED);
                BadEvents bad = new BadEvents(Scenario.SEED);
                BadEvents.Kind[] cheapKinds = {BadEvents.Kind.NOT_JSON, BadEvents.Kind.TRUNCATED, BadEvents.Kind.WRONG_TYPES,
                        BadEvents.Kind.INVALID_UTF8, BadEvents.Kind.BROKEN_ENVELOPE, BadEvents.Kind.DEEP_NESTING};
                long published = 0;
                List<Long> created = new ArrayList<>();
                List<Long> updated = new ArrayList<>();
                long broken = 0;
                long start = System.nanoTime();
                long baseline = 0;
                append(report, "minute published delivered heap_used_mb live_after_major_gc_mb consumer_lag gc_pause_s gc_pauses gc_pause_max_ms");
                for (int minute = 1; minute <= MINUTES; minute++) {
                    long minuteEnd = start + TimeUnit.MINUTES.toNanos(minute);
                    while (System.nanoTime() < minuteEnd) {
                        for (int i = 0; i < EVENTS_PER_SECOND / 10; i++) {
                            long n = published++;
                            double dice = random.nextDouble();
                            byte[] value;
                            if (dice < 0.05) {
                                value = bad.make(cheapKinds[random.nextInt(cheapKinds.length)], (int) (n % 100_000));
                                broken++;
                            } else {
                                String event = Scenario.ticket("soak-", (int) n, "Ticket " + n, (n % 3 == 0 ? "My invoice " : "The app crashes ") + n);
                                value = Scenario.bytes(dice < 0.30 ? event.replace("ticket.created", "ticket.updated") : event);
                                (dice < 0.30 ? updated : created).add(n);
                            }
                            producer.send(new ProducerRecord<>(topic, Scenario.bytes("customer-" + (n % 997)), value));
                        }
                        Thread.sleep(100); // pacing: EVENTS_PER_SECOND
                    }
                    String metrics = Metrics.scrape(httpPort);
                    Sample sample = new Sample(minute, published, receiver.taskCount(),
                            (long) Metrics.sum(metrics, "jvm_memory_used_bytes", "area=\"heap\""),
                            (long) Metrics.sum(metrics, "jvm_gc_live_data_size_bytes"),
                            Metrics.sum(metrics, "switchboard_consumer_lag"),
                            Metrics.sum(metrics, "jvm_gc_pause_seconds_sum"),
                            (long) Metrics.sum(metrics, "jvm_gc_pause_seconds_count"),
                            maxOf(metrics, "jvm_gc_pause_seconds_max"));
                    samples.add(sample);
                    if (minute == 1) {
                        baseline = Metrics.heapAfterGc(engine.pid(), httpPort);
                    }
                    append(report, String.format(Locale.ROOT, "%6d %9d %9d %12d %22d %12.0f %10.2f %9d %15.0f", minute, sample.published(),
                            sample.delivered(), mb(sample.heapUsed()), mb(sample.liveAfterMajorGc()), sample.lag(),
                            sample.gcPauseSeconds(), sample.gcPauses(), sample.gcPauseMax() * 1000));
                }
                producer.flush();
                Engines.await(() -> Metrics.sum(Metrics.scrape(httpPort), "switchboard_consumer_lag") == 0, 120);
                long heapAfter = Metrics.heapAfterGc(engine.pid(), httpPort);
                double lagAtEnd = Metrics.sum(Metrics.scrape(httpPort), "switchboard_consumer_lag");
                double maxLag = samples.stream().mapToDouble(Sample::lag).max().orElse(0);
                double maxPause = samples.stream().mapToDouble(Sample::gcPauseMax).max().orElse(0);
                Sample last = samples.get(samples.size() - 1);
                // the ledger: both workflows read every event, so a broken one is dead-lettered once by each
                String plain = "soak-plain-" + suffix;
                String triage = "soak-triage-" + suffix;
                Map<String, String> tasks = receiver.tasks();
                java.util.Set<String> reviewed = new java.util.HashSet<>();
                TopicReader.readAll(kafka.servers(), "soak.review." + suffix)
                        .forEach(record -> reviewed.add(DeadLetters.header(record.headers(), "switchboard.event.id")));
                java.util.Set<String> triageDeadLetters = new java.util.HashSet<>();
                long plainDeadLetters = 0;
                for (var record : TopicReader.readAll(kafka.servers(), "soak.dlq." + suffix)) {
                    String stage = DeadLetters.header(record.headers(), DeadLetters.STAGE);
                    if (("workflow:" + plain).equals(stage)) {
                        plainDeadLetters++;
                    } else if (("workflow:" + triage).equals(stage)) {
                        var id = EVENT_ID.matcher(new String(record.value(), StandardCharsets.UTF_8));
                        triageDeadLetters.add(id.find() ? id.group(1) : "broken at offset " + record.offset());
                    }
                }
                long lostCreated = created.stream().filter(n -> !tasks.containsKey(Task.idFor(plain, "/reliability", "soak-" + n, "create-task"))).count();
                long lostUpdated = updated.stream().filter(n -> !tasks.containsKey(Task.idFor(triage, "/reliability", "soak-" + n, "create-task"))
                        && !reviewed.contains("soak-" + n) && !triageDeadLetters.contains("soak-" + n)).count();
                long deadLettered = plainDeadLetters + triageDeadLetters.stream().filter(id -> id.startsWith("soak-")).count();
                long reviews = reviewed.size();
                String summary = String.format(Locale.ROOT, "%d min at %d events/s: heap after full GC %d MB after minute 1 -> %d MB at the end "
                                + "(growth %+d MB); consumer lag max %.0f, at the end %.0f; GC %d pauses, %.2f s in all, longest %.0f ms; "
                                + "%d tasks, %d dead letters, %d reviews; engine starts %d",
                        MINUTES, EVENTS_PER_SECOND, mb(baseline), mb(heapAfter), mb(heapAfter) - mb(baseline), maxLag, lagAtEnd,
                        last.gcPauses(), last.gcPauseSeconds(), maxPause * 1000, receiver.taskCount(), deadLettered, reviews, engine.starts());
                append(report, summary);
                System.out.println("[reliability] soak: " + summary + " (per minute in " + report + ")");
                new Books("soak " + MINUTES + " min", published, tasks.size(), receiver.duplicates(), deadLettered, reviews,
                        lostCreated + lostUpdated + Math.max(0, broken - plainDeadLetters), broken + " broken events").print();
                assertThat(engine.alive()).isTrue();
                assertThat(engine.starts()).isEqualTo(1);
                assertThat(lostCreated).as("ticket.created events without a task").isZero();
                assertThat(lostUpdated).as("ticket.updated events without a task, a review or a dead letter").isZero();
                assertThat(plainDeadLetters).as("broken events dead-lettered (by the plain workflow)").isEqualTo(broken);
                assertThat(lagAtEnd).as("consumer lag once the traffic stops").isZero();
                assertThat(mb(heapAfter) - mb(baseline)).as("heap growth after full GC, MB, minute 1 to the end").isLessThan(MAX_HEAP_GROWTH_MB);
                assertThat(maxPause * 1000).as("longest GC pause, ms").isLessThan(MAX_GC_PAUSE_MS);
                engine.stop();
            }
        }
    }

    private static double maxOf(String metrics, String name) {
        double max = 0;
        for (String line : metrics.split("\n")) {
            if (line.startsWith(name + "{") || line.startsWith(name + " ")) {
                max = Math.max(max, Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)));
            }
        }
        return max;
    }

    private static long mb(long bytes) {
        return bytes / (1024 * 1024);
    }

    private static void append(Path report, String line) throws java.io.IOException {
        System.out.println("[soak] " + line);
        Files.writeString(report, Instant.now() + " " + line + System.lineSeparator(), StandardCharsets.UTF_8,
                StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
}
