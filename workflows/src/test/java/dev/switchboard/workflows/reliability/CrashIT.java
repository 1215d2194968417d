package dev.switchboard.workflows.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.schemas.Task;
import dev.switchboard.workflows.testing.SharedKafka;
import dev.switchboard.workflows.testing.TaskReceiver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Promise: nothing lost, nothing twice, through crashes. The engine runs as its own process;
 * 10,000 events flow through a workflow whose sink is a real HTTP receiver, and the engine is
 * killed with SIGKILL at seeded random points: while it starts, at a random moment, and while the
 * receiver holds the answer to a task it has already kept (so the kill lands between the sink's
 * HTTP call and the offset commit). After each kill it is started again. At the end every event
 * has exactly one task at the receiver, and the re-sent tasks were absorbed by the idempotency key.
 */
@ExtendWith(SharedKafka.class)
class CrashIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EVENTS = Scenario.FULL ? 50_000 : 10_000;
    private static final int KILLS = Scenario.FULL ? 15 : 6;
    private static final int EVENTS_PER_SECOND = Scenario.FULL ? 400 : 200;

    private enum KillPoint { WHILE_STARTING, AT_RANDOM, MID_DELIVERY }

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void should_deliver_every_event_exactly_once_when_the_engine_is_killed_repeatedly(SharedKafka.Bootstrap kafka) throws Exception {
        // given a receiver, a workflow whose sink it is, and the engine as a separate process
        String suffix = Scenario.suffix();
        String workflow = "crash-" + suffix;
        String topic = "crash.events." + suffix;
        String deadLetters = "crash.dlq." + suffix;
        TopicReader.createTopic(kafka.servers(), topic, 3, Map.of());
        Random random = new Random(Scenario.SEED);
        try (TaskReceiver receiver = new TaskReceiver().latency(Duration.ofMillis(3))) {
            Files.writeString(dir.resolve("crash.yaml"), """
                    name: %s
                    on:
                      topic: %s
                      types: [ticket.created]
                      start: earliest
                    steps:
                      - id: create-task
                        task:
                          sink: receiver
                          title: "{{ event.data.subject }}"
                          body: "{{ event.data.body }}"
                    """.formatted(workflow, topic));
            Path config = dir.resolve("switchboard.yaml");
            Files.writeString(config, """
                    kafka:
                      bootstrap_servers: %s
                      properties:
                        # a killed member's partitions wait for its session to expire (45 s by default)
                        session.timeout.ms: "6000"
                        heartbeat.interval.ms: "1000"
                    topics:
                      tasks: crash.tasks.%s
                      dead_letter: %s
                      deliveries: crash.deliveries.%s
                      review: crash.review.%s
                      audit: crash.audit.%s
                    sinks:
                      receiver:
                        webhook:
                          url: %s
                          timeout_seconds: 20
                    outbound:
                      allowed_hosts: [%s]
                    http:
                      port: -1
                    delivery:
                      max_attempts: 20
                      initial_backoff_ms: 50
                      max_backoff_ms: 1000
                    workflows: [crash.yaml]
                    """.formatted(kafka.servers(), suffix, deadLetters, suffix, suffix, suffix, receiver.url(), receiver.hostAndPort()));
            AtomicInteger published = new AtomicInteger();
            Thread publisher = new Thread(() -> publish(kafka.servers(), topic, published), "crash-publisher");
            publisher.setDaemon(true);

            try (EngineProcess engine = new EngineProcess(config, Logs.file("crash-" + suffix + ".log"), Map.of("SWITCHBOARD_LOG_LEVEL", "INFO"),
                    List.of("-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"))) {
                // when events flow and the engine is killed at random points, and started again each time
                publisher.start();
                List<String> kills = new ArrayList<>();
                int heldAtKills = 0;
                for (int k = 0; k < KILLS; k++) {
                    KillPoint point = k < 2 ? KillPoint.MID_DELIVERY : KillPoint.values()[random.nextInt(KillPoint.values().length)];
                    engine.start();
                    if (point == KillPoint.WHILE_STARTING) {
                        Thread.sleep(500 + random.nextInt(4_000)); // somewhere in the start-up, seeded
                    } else {
                        engine.awaitRunning(Duration.ofSeconds(90));
                        // let this run get somewhere first: a seeded number of new tasks, as far as events have been published
                        int target = receiver.taskCount() + 100 + random.nextInt(600);
                        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                        while (receiver.taskCount() < Math.min(target, published.get() - 50) && System.nanoTime() < deadline) {
                            Thread.sleep(10);
                        }
                        if (point == KillPoint.AT_RANDOM) {
                            Thread.sleep(random.nextInt(1_500)); // seeded
                        } else {
                            receiver.holdNext(1 + random.nextInt(4));
                            deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                            while (receiver.held() == 0 && System.nanoTime() < deadline) {
                                Thread.sleep(2); // until the receiver has kept a task and holds its answer
                            }
                            Thread.sleep(50); // let more of the batch's requests pile up behind it
                            heldAtKills += receiver.held();
                        }
                    }
                    int before = receiver.taskCount();
                    engine.kill();
                    receiver.releaseHeld();
                    kills.add(point.name().toLowerCase(java.util.Locale.ROOT) + "@" + before);
                }
                engine.start();
                engine.awaitRunning(Duration.ofSeconds(90));
                long drainStart = System.nanoTime();
                int beforeDrain = receiver.taskCount();
                publisher.join(TimeUnit.MINUTES.toMillis(2));
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
                while (receiver.taskCount() < EVENTS && System.nanoTime() < deadline && engine.alive()) {
                    Thread.sleep(200); // until the last task arrives
                }
                long drainMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - drainStart);
                Thread.sleep(2_000); // anything still in flight would show up as an extra task
                engine.stop();

                // then every event has exactly one task at the receiver, none is missing, none is extra
                Map<String, String> tasks = receiver.tasks();
                Set<String> expected = new HashSet<>();
                for (int i = 0; i < EVENTS; i++) {
                    expected.add(Task.idFor(workflow, "/reliability", "evt-" + i, "create-task"));
                }
                long delivered = tasks.keySet().stream().filter(expected::contains).count();
                long deadLettered = TopicReader.readAll(kafka.servers(), deadLetters).size();
                Books books = new Books("crash (kill -9)", EVENTS, delivered, receiver.duplicates(), deadLettered, 0,
                        EVENTS - delivered - deadLettered,
                        KILLS + " kills " + kills + ", " + heldAtKills + " answers held at kills, "
                                + receiver.requests() + " requests, last run delivered " + (receiver.taskCount() - beforeDrain) + " in "
                                + drainMillis + " ms, seed " + Scenario.SEED).print();
                assertThat(books.lost()).as("lost; engine log: " + dir.resolve("engine.log")).isZero();
                assertThat(deadLettered).isZero();
                assertThat(tasks.keySet()).containsExactlyInAnyOrderElementsOf(expected);
                for (Map.Entry<String, String> entry : tasks.entrySet()) {
                    JsonNode task = JSON.readTree(entry.getValue());
                    assertThat(task.path("id").asText()).isEqualTo(entry.getKey());
                }
                assertThat(heldAtKills).as("kills that landed between a sink's answer and the commit").isPositive();
                assertThat(receiver.duplicates()).as("re-sent tasks absorbed by the idempotency key").isPositive();
            }
        }
    }

    /** Publishes the events at a steady rate, so that kills land while they flow. */
    private static void publish(String bootstrap, String topic, AtomicInteger published) {
        try (KafkaProducer<byte[], byte[]> producer = TopicReader.producer(bootstrap, Map.of())) {
            int perTick = Math.max(1, EVENTS_PER_SECOND / 10);
            for (int i = 0; i < EVENTS; i++) {
                String event = Scenario.ticket("evt-", i, "Ticket " + i, "Body of ticket " + i);
                producer.send(new ProducerRecord<>(topic, Scenario.bytes("customer-" + (i % 97)), Scenario.bytes(event)));
                published.incrementAndGet();
                if (i % perTick == perTick - 1) {
                    producer.flush();
                    Thread.sleep(100); // pacing: EVENTS_PER_SECOND
                }
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
