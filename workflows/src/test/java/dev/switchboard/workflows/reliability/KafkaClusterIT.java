package dev.switchboard.workflows.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.schemas.Task;
import dev.switchboard.workflows.runtime.Engine;
import dev.switchboard.workflows.testing.TaskReceiver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Promise: a Kafka cluster that loses a broker, and then its active controller, loses nothing. Three
 * KRaft nodes run as three processes; topics keep three replicas with two in sync, producers wait for
 * all of them. Events (a tenth of them sent twice) go through the dedup stage (Kafka Streams,
 * exactly-once) and a workflow to a real HTTP receiver. Mid-stream one broker is killed with SIGKILL and
 * started again, then the active controller. Every event ends with a task; a re-sent task is absorbed by
 * its idempotency key; the dedup stage's output, read committed, holds every event exactly once.
 */
class KafkaClusterIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EVENTS = Scenario.FULL ? 20_000 : 3_000;
    private static final int EVENTS_PER_SECOND = Scenario.FULL ? 300 : 100;
    private static final int SENT_TWICE_EVERY = 10;
    private static final Map<String, String> REPLICATED = Map.of("min.insync.replicas", "2");

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void should_lose_nothing_when_a_broker_and_then_the_active_controller_are_killed() throws Exception {
        // given three Kafka nodes, replicated topics, and an engine with the dedup stage and a workflow to a receiver
        String suffix = Scenario.suffix();
        String workflow = "cluster-" + suffix;
        String raw = "cluster.raw." + suffix;
        String unique = "cluster.unique." + suffix;
        String deadLetters = "cluster.dlq." + suffix;
        try (KafkaCluster cluster = new KafkaCluster(Files.createDirectories(dir.resolve("kafka")), "cluster-" + suffix).start();
             TaskReceiver receiver = new TaskReceiver().latency(Duration.ofMillis(2))) {
            String bootstrap = cluster.bootstrap();
            try (Admin admin = cluster.admin()) {
                admin.createTopics(List.of(new NewTopic(raw, 3, (short) 3).configs(REPLICATED),
                        new NewTopic(unique, 3, (short) 3).configs(REPLICATED))).all().get(60, TimeUnit.SECONDS);
            }
            Map<String, String> workflows = Map.of("cluster.yaml", """
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
                    """.formatted(workflow, unique));
            String config = """
                    kafka:
                      bootstrap_servers: %s
                      replication_factor: 3
                      properties:
                        session.timeout.ms: "6000"
                        heartbeat.interval.ms: "1000"
                      streams:
                        state_dir: streams
                        dedup:
                          input: %s
                          output: %s
                    topics:
                      tasks: cluster.tasks.%s
                      dead_letter: %s
                      deliveries: cluster.deliveries.%s
                      review: cluster.review.%s
                      audit: cluster.audit.%s
                    sinks:
                      receiver:
                        webhook:
                          url: %s
                          timeout_seconds: 10
                    outbound:
                      allowed_hosts: [%s]
                    http:
                      port: -1
                    delivery:
                      max_attempts: 20
                      initial_backoff_ms: 50
                      max_backoff_ms: 1000
                    """.formatted(bootstrap, raw, unique, suffix, deadLetters, suffix, suffix, suffix, receiver.url(), receiver.hostAndPort());
            AtomicInteger published = new AtomicInteger();
            AtomicLong failedSends = new AtomicLong();
            Thread publisher = new Thread(() -> publish(bootstrap, raw, published, failedSends), "cluster-publisher");
            publisher.setDaemon(true);
            List<String> kills = new ArrayList<>();
            long started = System.nanoTime();
            try (Engine engine = Engines.start(dir, config, Map.of(), workflows)) {
                // when a broker is killed mid-stream and started again, and then the active controller
                publisher.start();
                awaitTasks(receiver, EVENTS / 5, cluster);
                int controller = cluster.activeController();
                int broker = controller % KafkaCluster.SIZE + 1;
                cluster.kill(broker);
                kills.add("broker " + broker + " (controller was " + controller + ") @" + receiver.taskCount());
                awaitTasks(receiver, EVENTS * 2 / 5, cluster);
                cluster.restart(broker);
                cluster.awaitFullIsr(allTopics(cluster), Duration.ofSeconds(90));
                awaitTasks(receiver, EVENTS / 2, cluster);
                controller = cluster.activeController();
                cluster.kill(controller);
                kills.add("active controller " + controller + " @" + receiver.taskCount());
                awaitTasks(receiver, EVENTS * 7 / 10, cluster);
                cluster.restart(controller);
                kills.add("new controller " + cluster.activeController());
                publisher.join(TimeUnit.MINUTES.toMillis(3));
                awaitTasks(receiver, EVENTS, cluster);
                // anything still in flight would show up as an extra task
                Awaitility.await("no task beyond the events").during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                        .until(() -> receiver.taskCount() == EVENTS);
            }
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

            // then every event has one task, re-sent ones were absorbed, and the dedup output holds each event once
            Set<String> expected = new HashSet<>();
            for (int i = 0; i < EVENTS; i++) {
                expected.add(Task.idFor(workflow, "/reliability", "evt-" + i, "create-task"));
            }
            Map<String, String> tasks = receiver.tasks();
            long delivered = tasks.keySet().stream().filter(expected::contains).count();
            long deadLettered = TopicReader.readAll(bootstrap, deadLetters).size();
            List<String> uniqueIds = new ArrayList<>();
            TopicReader.forEach(bootstrap, unique, Map.of("isolation.level", "read_committed"),
                    record -> uniqueIds.add(eventId(record.value())));
            long rawRecords = TopicReader.readAll(bootstrap, raw).size();
            Books books = new Books("cluster (kill -9 broker, controller)", EVENTS, delivered, receiver.duplicates(), deadLettered, 0,
                    EVENTS - delivered - deadLettered,
                    kills + ", " + receiver.requests() + " deliveries for " + tasks.size() + " distinct keys, raw " + rawRecords
                            + ", dedup output (read_committed) " + uniqueIds.size() + " records / " + new HashSet<>(uniqueIds).size()
                            + " distinct, failed sends " + failedSends.get() + ", " + millis + " ms").print();
            assertThat(failedSends.get()).as("sends the cluster did not acknowledge").isZero();
            assertThat(rawRecords).as("raw events kept by the cluster").isEqualTo(EVENTS + (EVENTS + SENT_TWICE_EVERY - 1) / SENT_TWICE_EVERY);
            assertThat(books.lost()).as("lost").isZero();
            assertThat(deadLettered).isZero();
            assertThat(tasks.keySet()).containsExactlyInAnyOrderElementsOf(expected);
            assertThat(uniqueIds).as("dedup output, read committed").hasSize(EVENTS).doesNotHaveDuplicates();
        }
    }

    private static String eventId(byte[] event) {
        try {
            return JSON.readTree(event).path("id").asText();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Set<String> allTopics(KafkaCluster cluster) throws Exception {
        try (Admin admin = cluster.admin()) {
            return admin.listTopics(new org.apache.kafka.clients.admin.ListTopicsOptions().listInternal(true)).names()
                    .get(30, TimeUnit.SECONDS);
        }
    }

    private static void awaitTasks(TaskReceiver receiver, int count, KafkaCluster cluster) {
        Awaitility.await(count + " tasks at the receiver; node logs in " + cluster.log(1).getParent())
                .atMost(Duration.ofSeconds(Scenario.FULL ? 240 : 120)).pollInterval(Duration.ofMillis(100))
                .until(() -> receiver.taskCount() >= count);
    }

    /** Publishes at a steady rate with acks=all; every tenth event is sent twice, for the dedup stage to drop. */
    private static void publish(String bootstrap, String topic, AtomicInteger published, AtomicLong failed) {
        try (KafkaProducer<byte[], byte[]> producer = TopicReader.producer(bootstrap,
                Map.of(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "180000", ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000"))) {
            int perTick = Math.max(1, EVENTS_PER_SECOND / 10);
            for (int i = 0; i < EVENTS; i++) {
                byte[] key = Scenario.bytes("customer-" + (i % 97));
                byte[] event = Scenario.bytes(Scenario.ticket("evt-", i, "Ticket " + i, "Body of ticket " + i));
                int copies = i % SENT_TWICE_EVERY == 0 ? 2 : 1;
                for (int c = 0; c < copies; c++) {
                    producer.send(new ProducerRecord<>(topic, key, event), (metadata, e) -> {
                        if (e != null) {
                            failed.incrementAndGet();
                        }
                    });
                }
                published.incrementAndGet();
                if (i % perTick == perTick - 1) {
                    producer.flush();
                    Thread.sleep(100); // pacing: EVENTS_PER_SECOND, so that the kills land while events flow
                }
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
