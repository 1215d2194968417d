package dev.switchboard.workflows.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.schemas.Task;
import dev.switchboard.workflows.runtime.DeadLetters;
import dev.switchboard.workflows.testing.SharedKafka;
import dev.switchboard.workflows.testing.TaskReceiver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Promise: bad input never blocks, and never takes the engine down. Over 10,000 broken events of
 * twelve kinds (not JSON, truncated, wrong types, huge strings and arrays, deep nesting, invalid
 * UTF-8, 5 MB bodies, malformed types, duplicate keys, broken envelopes, tasks too large for their
 * topic) are mixed, seeded, with good ones. Every broken one reaches the dead-letter topic with a reason that says what is wrong,
 * every good one becomes a task, the engine process is never restarted, and its heap after a full
 * collection stays within a bound of where it started.
 */
@ExtendWith(SharedKafka.class)
class BadInputIT {

    private static final int GOOD = 2_000;
    private static final int WARM_UP = 500;
    private static final int UNKNOWN_TYPES = 200;
    private static final long HEAP_GROWTH_BOUND = 48L * 1024 * 1024;

    @TempDir
    Path dir;

    private record Item(BadEvents.Kind kind, int n) {
    }

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void should_dead_letter_every_bad_event_and_process_every_good_one_when_they_are_mixed(SharedKafka.Bootstrap kafka) throws Exception {
        // given a topic that takes 5 MB records, a receiver, and the engine as its own process with a small heap
        String suffix = Scenario.suffix();
        String workflow = "bad-" + suffix;
        String topic = "bad.events." + suffix;
        String deadLetters = "bad.dlq." + suffix;
        int httpPort = Metrics.freePort();
        TopicReader.createTopic(kafka.servers(), topic, 3, Map.of("max.message.bytes", Integer.toString(8 * 1024 * 1024)));
        try (TaskReceiver receiver = new TaskReceiver()) {
            Files.writeString(dir.resolve("bad.yaml"), """
                    name: %s
                    on:
                      topic: %s
                      types: [ticket.created, note.added]
                      start: earliest
                    steps:
                      - id: create-task
                        task:
                          sink: receiver
                          title: "{{ event.data.subject }}"
                          body: "{{ event.data.body }}"
                          fields:
                            excerpt: "{{ event.data.body }}"
                    """.formatted(workflow, topic));
            Path config = dir.resolve("switchboard.yaml");
            Files.writeString(config, """
                    kafka:
                      bootstrap_servers: %s
                    topics:
                      tasks: bad.tasks.%s
                      dead_letter: %s
                      deliveries: bad.deliveries.%s
                      review: bad.review.%s
                      audit: bad.audit.%s
                    sinks:
                      receiver:
                        webhook:
                          url: %s
                    outbound:
                      allowed_hosts: [%s]
                    http:
                      port: -1
                    admin:
                      port: %d
                    workflows: [bad.yaml]
                    """.formatted(kafka.servers(), suffix, deadLetters, suffix, suffix, suffix, receiver.url(), receiver.hostAndPort(), httpPort));
            try (EngineProcess engine = new EngineProcess(config, Logs.file("bad-input-" + suffix + ".log"), Map.of(),
                    List.of("-Xmx256m", "-XX:+UseSerialGC"));
                 KafkaProducer<byte[], byte[]> producer = TopicReader.producer(kafka.servers(), Map.of())) {
                engine.start().awaitRunning(Duration.ofSeconds(90));
                long pid = engine.pid();
                for (int i = 0; i < WARM_UP; i++) {
                    send(producer, topic, "warm-" + i, Scenario.ticket("warm-", i, "Warm " + i, "Body " + i));
                }
                producer.flush();
                Engines.await(() -> receiver.taskCount() >= WARM_UP, 90);
                long heapBefore = Metrics.heapAfterGc(pid, httpPort);

                // when more than 10,000 broken events arrive, shuffled among good ones and well-formed types nobody reads
                List<Item> items = new ArrayList<>();
                for (BadEvents.Kind kind : BadEvents.Kind.values()) {
                    for (int n = 0; n < kind.count; n++) {
                        items.add(new Item(kind, n));
                    }
                }
                for (int n = 0; n < GOOD + UNKNOWN_TYPES; n++) {
                    items.add(new Item(null, n));
                }
                Collections.shuffle(items, new Random(Scenario.SEED));
                BadEvents bad = new BadEvents(Scenario.SEED);
                long heapPeak = 0;
                int sent = 0;
                for (Item item : items) {
                    if (item.kind() != null) {
                        producer.send(new ProducerRecord<>(topic, Scenario.bytes(key(item)), bad.make(item.kind(), item.n())));
                    } else if (item.n() < GOOD) {
                        send(producer, topic, "good-" + item.n(), Scenario.ticket("good-", item.n(), "Good " + item.n(), "Body " + item.n()));
                    } else {
                        send(producer, topic, "unknown-" + item.n(), Scenario.ticket("unknown-", item.n(), "s", "b")
                                .replace("ticket.created", "ticket.exploded"));
                    }
                    if (++sent % 1_000 == 0) {
                        producer.flush();
                        heapPeak = Math.max(heapPeak, (long) Metrics.sum(Metrics.scrape(httpPort), "jvm_memory_used_bytes", "area=\"heap\""));
                    }
                }
                producer.flush();
                int badTotal = BadEvents.total();
                Engines.await(() -> receiver.taskCount() >= WARM_UP + GOOD
                        && Metrics.sum(Metrics.scrape(httpPort), "switchboard_workflow_events_total", "outcome=\"dead_lettered\"") >= badTotal,
                        180);
                long heapAfter = Metrics.heapAfterGc(pid, httpPort);
                long skipped = (long) Metrics.sum(Metrics.scrape(httpPort), "switchboard_workflow_events_total", "outcome=\"skipped\"");

                // then every bad event is in the dead-letter topic with a reason that names its fault
                Map<String, String> reasons = new HashMap<>();
                Map<String, Integer> truncated = new TreeMap<>();
                TopicReader.forEach(kafka.servers(), deadLetters, record -> {
                    String key = record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
                    reasons.put(key, DeadLetters.header(record.headers(), DeadLetters.REASON));
                    assertThat(DeadLetters.header(record.headers(), DeadLetters.STAGE)).isEqualTo("workflow:" + workflow);
                    String original = DeadLetters.header(record.headers(), "switchboard.dlq.original.bytes");
                    if (original != null) {
                        truncated.merge(key.replaceAll("-\\d+$", ""), 1, Integer::sum);
                    }
                });
                Map<BadEvents.Kind, Integer> missing = new TreeMap<>();
                List<String> unclear = new ArrayList<>();
                for (Item item : items) {
                    if (item.kind() == null) {
                        continue;
                    }
                    String reason = reasons.get(key(item));
                    if (reason == null) {
                        missing.merge(item.kind(), 1, Integer::sum);
                    } else if (item.kind().reasons.stream().noneMatch(reason::contains)) {
                        unclear.add(item.kind() + ": " + reason);
                    }
                }
                long goodDelivered = 0;
                Map<String, String> tasks = receiver.tasks();
                for (int i = 0; i < GOOD; i++) {
                    goodDelivered += tasks.containsKey(Task.idFor(workflow, "/reliability", "good-" + i, "create-task")) ? 1 : 0;
                }
                long unknownTasks = 0;
                for (int n = GOOD; n < GOOD + UNKNOWN_TYPES; n++) {
                    unknownTasks += tasks.containsKey(Task.idFor(workflow, "/reliability", "unknown-" + n, "create-task")) ? 1 : 0;
                }
                long unknownDeadLettered = reasons.keySet().stream().filter(k -> k.startsWith("unknown-")).count();
                long badDeadLettered = badTotal - missing.values().stream().mapToInt(Integer::intValue).sum();
                long goodDeadLettered = reasons.keySet().stream().filter(k -> k.startsWith("good-") || k.startsWith("warm-")).count();
                Books books = new Books("bad input", badTotal + GOOD + UNKNOWN_TYPES, goodDelivered, receiver.duplicates(),
                        badDeadLettered, 0, (badTotal - badDeadLettered) + (GOOD - goodDelivered),
                        skipped + " of " + UNKNOWN_TYPES + " well-formed unknown types skipped; heap after GC " + mb(heapBefore) + " -> " + mb(heapAfter)
                                + " MB, peak sampled " + mb(heapPeak) + " MB of -Xmx256m; " + engine.starts() + " start(s); "
                                + "originals truncated in dead letters " + truncated).print();
                assertThat(missing).as("bad events missing from the dead-letter topic, by kind").isEmpty();
                assertThat(unclear).as("dead letters whose reason does not say what is wrong").isEmpty();
                assertThat(goodDeadLettered).as("good events dead-lettered").isZero();
                // the well-formed events of a type no workflow reads are skipped, each counted once, and go nowhere
                assertThat(skipped).as("events counted as skipped").isEqualTo(UNKNOWN_TYPES);
                assertThat(unknownTasks).as("tasks made from unknown types").isZero();
                assertThat(unknownDeadLettered).as("unknown types dead-lettered").isZero();
                assertThat(books.lost()).isZero();
                assertThat(engine.alive()).as("the engine process still runs").isTrue();
                assertThat(engine.starts()).as("never restarted").isEqualTo(1);
                assertThat(engine.pid()).isEqualTo(pid);
                assertThat(heapAfter).as("heap after GC, bytes").isLessThan(heapBefore + HEAP_GROWTH_BOUND);
                engine.stop();
            }
        }
    }

    private static String key(Item item) {
        return item.kind().name().toLowerCase(java.util.Locale.ROOT) + "-" + item.n();
    }

    private static void send(KafkaProducer<byte[], byte[]> producer, String topic, String key, String value) {
        producer.send(new ProducerRecord<>(topic, Scenario.bytes(key), Scenario.bytes(value)));
    }

    private static long mb(long bytes) {
        return bytes / (1024 * 1024);
    }
}
