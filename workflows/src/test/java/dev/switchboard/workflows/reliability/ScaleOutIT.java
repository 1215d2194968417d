package dev.switchboard.workflows.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.schemas.Task;
import dev.switchboard.workflows.runtime.TaskDelivery;
import dev.switchboard.workflows.testing.SharedKafka;
import dev.switchboard.workflows.testing.TaskReceiver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Utils;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Promise: instances may come and go under load and nothing is lost. Three engine instances (each
 * its own process) share a workflow's events; mid-stream a fourth joins, and then one of the first
 * three is killed with SIGKILL. The groups rebalance cooperatively (only the partitions that move
 * stop), every event ends with a task, and the pause is measured: the longest gap between
 * deliveries of all partitions, and of any one partition (the killed instance's partitions wait for
 * its session to expire).
 */
@ExtendWith(SharedKafka.class)
class ScaleOutIT {

    private static final int EVENTS = Scenario.FULL ? 20_000 : 5_000;
    private static final int EVENTS_PER_SECOND = Scenario.FULL ? 250 : 100;
    private static final int PARTITIONS = 12;
    private static final int SESSION_TIMEOUT_MS = 6_000;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 8, unit = TimeUnit.MINUTES)
    void should_lose_nothing_when_an_instance_joins_and_another_is_killed_mid_stream(SharedKafka.Bootstrap kafka) throws Exception {
        // given three engine instances on one workflow, whose sink is a real HTTP receiver
        String suffix = Scenario.suffix();
        String workflow = "scale-" + suffix;
        String topic = "scale.events." + suffix;
        String deadLetters = "scale.dlq." + suffix;
        TopicReader.createTopic(kafka.servers(), topic, PARTITIONS, Map.of());
        List<EngineProcess> instances = new ArrayList<>();
        try (TaskReceiver receiver = new TaskReceiver().latency(Duration.ofMillis(2))) {
            String config = """
                    kafka:
                      bootstrap_servers: %s
                      partitions: %d
                      properties:
                        session.timeout.ms: "%d"
                        heartbeat.interval.ms: "1000"
                    topics:
                      tasks: scale.tasks.%s
                      dead_letter: %s
                      deliveries: scale.deliveries.%s
                      review: scale.review.%s
                      audit: scale.audit.%s
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
                    workflows: [scale.yaml]
                    """.formatted(kafka.servers(), PARTITIONS, SESSION_TIMEOUT_MS, suffix, deadLetters, suffix, suffix, suffix,
                    receiver.url(), receiver.hostAndPort());
            String workflowText = """
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
                    """.formatted(workflow, topic);
            AtomicInteger published = new AtomicInteger();
            Thread publisher = new Thread(() -> publish(kafka.servers(), topic, published), "scale-publisher");
            publisher.setDaemon(true);
            long started = System.nanoTime();
            try {
                for (int i = 1; i <= 4; i++) {
                    instances.add(instance(i, config, workflowText, suffix));
                }
                for (EngineProcess instance : instances.subList(0, 3)) {
                    instance.start();
                }
                for (EngineProcess instance : instances.subList(0, 3)) {
                    instance.awaitRunning(Duration.ofSeconds(120));
                }

                // when events flow, a fourth instance joins, and then one of the first three is killed
                publisher.start();
                awaitTasks(receiver, EVENTS / 20);
                instances.get(3).start().awaitRunning(Duration.ofSeconds(120));
                long joined = System.nanoTime();
                int atJoin = receiver.taskCount();
                // the kill comes after the newcomer's rebalance has settled and tasks have moved on
                awaitTasks(receiver, Math.max(EVENTS * 2 / 5, atJoin + EVENTS / 10));
                long killed = System.nanoTime();
                int atKill = receiver.taskCount();
                int publishedAtKill = published.get();
                instances.get(1).kill();
                publisher.join(TimeUnit.MINUTES.toMillis(3));
                awaitTasks(receiver, EVENTS);
                Awaitility.await("no task beyond the events").during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
                        .until(() -> receiver.taskCount() == EVENTS);
                long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

                // then every event has one task, and both consumer groups rebalanced cooperatively
                Map<String, Integer> eventOf = new HashMap<>();
                for (int i = 0; i < EVENTS; i++) {
                    eventOf.put(Task.idFor(workflow, "/reliability", "evt-" + i, "create-task"), i);
                }
                Map<String, String> tasks = receiver.tasks();
                long delivered = tasks.keySet().stream().filter(eventOf::containsKey).count();
                long deadLettered = TopicReader.readAll(kafka.servers(), deadLetters).size();
                Pauses pauses = Pauses.of(receiver, eventOf, killed);
                Books books = new Books("scale-out (join, kill -9)", EVENTS, delivered, receiver.duplicates(), deadLettered, 0,
                        EVENTS - delivered - deadLettered,
                        "4th joined at " + atJoin + " tasks (" + TimeUnit.NANOSECONDS.toMillis(joined - started) + " ms), instance 2 killed at "
                                + atKill + " tasks, " + publishedAtKill + " published; after the kill: longest gap in all deliveries " + pauses.all() + " ms, in one partition "
                                + pauses.worstPartition() + " ms (session.timeout.ms " + SESSION_TIMEOUT_MS + "); "
                                + receiver.requests() + " deliveries for " + tasks.size() + " distinct keys, " + millis + " ms").print();
                assertThat(publishedAtKill).as("events published when the instance was killed (the kill lands mid-stream)").isLessThan(EVENTS);
                assertThat(atJoin).as("tasks when the fourth instance joined").isLessThan(atKill);
                assertThat(books.lost()).as("lost; logs in " + Logs.file("x").getParent()).isZero();
                assertThat(deadLettered).isZero();
                assertThat(tasks.keySet()).containsExactlyInAnyOrderElementsOf(eventOf.keySet());
                try (Admin admin = TopicReader.admin(kafka.servers())) {
                    Map<String, ConsumerGroupDescription> groups = admin.describeConsumerGroups(
                            List.of("switchboard.wf." + workflow, TaskDelivery.GROUP_ID)).all().get(30, TimeUnit.SECONDS);
                    assertThat(groups.get("switchboard.wf." + workflow).partitionAssignor()).as("the workflow's assignor").isEqualTo("cooperative-sticky");
                    assertThat(groups.get(TaskDelivery.GROUP_ID).partitionAssignor()).as("the delivery stage's assignor").isEqualTo("cooperative-sticky");
                    Awaitility.await("the killed instance leaves the workflow's group").atMost(Duration.ofSeconds(60))
                            .until(() -> admin.describeConsumerGroups(List.of("switchboard.wf." + workflow)).all().get(30, TimeUnit.SECONDS)
                                    .get("switchboard.wf." + workflow).members().size() == 3);
                }
            } finally {
                for (EngineProcess instance : instances) {
                    instance.stop();
                }
            }
        }
    }

    private EngineProcess instance(int number, String config, String workflowText, String suffix) throws Exception {
        Path home = Files.createDirectories(dir.resolve("instance-" + number));
        Files.writeString(home.resolve("scale.yaml"), workflowText);
        Path configFile = home.resolve("switchboard.yaml");
        Files.writeString(configFile, config);
        return new EngineProcess(configFile, Logs.file("scale-" + suffix + "-" + number + ".log"), Map.of("SWITCHBOARD_LOG_LEVEL", "INFO"),
                List.of("-Xmx320m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    }

    /** The longest gaps between deliveries after {@code since}: over all partitions, and within any one. */
    private record Pauses(long all, long worstPartition) {

        static Pauses of(TaskReceiver receiver, Map<String, Integer> eventOf, long since) {
            List<Long> everything = new ArrayList<>();
            Map<Integer, List<Long>> byPartition = new HashMap<>();
            receiver.history().forEach((key, attempts) -> {
                Integer event = eventOf.get(key);
                if (event == null || attempts.isEmpty()) {
                    return;
                }
                long first = attempts.get(0).nanos();
                everything.add(first);
                byPartition.computeIfAbsent(partition(event), p -> new ArrayList<>()).add(first);
            });
            long worst = 0;
            for (List<Long> times : byPartition.values()) {
                worst = Math.max(worst, longestGap(times, since));
            }
            return new Pauses(longestGap(everything, since), worst);
        }

        private static long longestGap(List<Long> times, long since) {
            List<Long> sorted = new ArrayList<>(times);
            sorted.sort(null);
            long previous = since;
            long longest = 0;
            for (long time : sorted) {
                if (time >= since) {
                    longest = Math.max(longest, time - previous);
                    previous = time;
                }
            }
            return TimeUnit.NANOSECONDS.toMillis(longest);
        }

        /** The partition the producer's default partitioner picks for the event's key. */
        private static int partition(int event) {
            return Utils.toPositive(Utils.murmur2(Scenario.bytes("customer-" + (event % 97)))) % PARTITIONS;
        }
    }

    private static void awaitTasks(TaskReceiver receiver, int count) {
        Awaitility.await(count + " tasks at the receiver; logs in " + Logs.file("x").getParent())
                .atMost(Duration.ofSeconds(Scenario.FULL ? 240 : 120)).pollInterval(Duration.ofMillis(100))
                .until(() -> receiver.taskCount() >= count);
    }

    private static void publish(String bootstrap, String topic, AtomicInteger published) {
        try (KafkaProducer<byte[], byte[]> producer = TopicReader.producer(bootstrap, Map.of())) {
            int perTick = Math.max(1, EVENTS_PER_SECOND / 10);
            for (int i = 0; i < EVENTS; i++) {
                String event = Scenario.ticket("evt-", i, "Ticket " + i, "Body of ticket " + i);
                producer.send(new ProducerRecord<>(topic, Scenario.bytes("customer-" + (i % 97)), Scenario.bytes(event)));
                published.incrementAndGet();
                if (i % perTick == perTick - 1) {
                    producer.flush();
                    Thread.sleep(100); // pacing: EVENTS_PER_SECOND, so that the churn lands while events flow
                }
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
