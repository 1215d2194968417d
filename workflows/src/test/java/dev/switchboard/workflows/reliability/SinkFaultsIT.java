package dev.switchboard.workflows.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.schemas.Task;
import dev.switchboard.workflows.runtime.DeadLetters;
import dev.switchboard.workflows.runtime.Engine;
import dev.switchboard.workflows.testing.SharedKafka;
import dev.switchboard.workflows.testing.TaskReceiver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Promise: a misbehaving CRM delays tasks but loses none. For a while, 30% of the receiver's answers
 * are 500, 429 with {@code Retry-After: 1}, or a hang past the sink's timeout (after keeping the
 * task, as a slow CRM does); a few tasks fail every time. In the end every task is delivered, or
 * dead-lettered with its reason after {@code delivery.max_attempts}; a retry after a 429 waits for
 * its {@code Retry-After}; delivered + dead-lettered = tasks.
 */
@ExtendWith(SharedKafka.class)
class SinkFaultsIT {

    private static final int EVENTS = Scenario.FULL ? 10_000 : 2_000;
    private static final int MAX_ATTEMPTS = 6;
    private static final Duration FAULTY_FOR = Duration.ofSeconds(Scenario.FULL ? 60 : 12);

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void should_deliver_or_dead_letter_every_task_when_the_sink_fails_30_percent_of_the_time(SharedKafka.Bootstrap kafka) throws Exception {
        // given a receiver that fails 30% of requests for a while, and 2% of the tasks always
        String suffix = Scenario.suffix();
        String workflow = "sinkfaults-" + suffix;
        String topic = "sinkfaults.events." + suffix;
        Set<String> hopeless = new HashSet<>();
        for (int i = 0; i < EVENTS; i += 50) {
            hopeless.add(Task.idFor(workflow, "/reliability", "evt-" + i, "create-task"));
        }
        try (TaskReceiver receiver = new TaskReceiver()
                .faults(0.30, Scenario.SEED, Duration.ofMillis(2_500), TaskReceiver.Fault.SERVER_ERROR,
                        TaskReceiver.Fault.RATE_LIMITED, TaskReceiver.Fault.HANG)
                .failForever(hopeless::contains)) {
            String config = """
                    kafka:
                      bootstrap_servers: %s
                    topics:
                      tasks: sinkfaults.tasks.%s
                      dead_letter: sinkfaults.dlq.%s
                      deliveries: sinkfaults.deliveries.%s
                      review: sinkfaults.review.%s
                      audit: sinkfaults.audit.%s
                    sinks:
                      receiver:
                        webhook:
                          url: %s
                          timeout_seconds: 1
                    outbound:
                      allowed_hosts: [%s]
                    http:
                      port: -1
                    delivery:
                      max_attempts: %d
                      initial_backoff_ms: 20
                      max_backoff_ms: 2000
                    """.formatted(kafka.servers(), suffix, suffix, suffix, suffix, suffix, receiver.url(), receiver.hostAndPort(), MAX_ATTEMPTS);
            String workflowYaml = """
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
            try (Engine engine = Engines.start(dir, config, Map.of(), Map.of("sinkfaults.yaml", workflowYaml));
                 KafkaProducer<byte[], byte[]> producer = TopicReader.producer(kafka.servers(), Map.of())) {
                // when the events arrive while the receiver misbehaves, and it recovers after a while
                long started = System.nanoTime();
                for (int i = 0; i < EVENTS; i++) {
                    producer.send(new ProducerRecord<>(topic, Scenario.bytes("customer-" + (i % 97)),
                            Scenario.bytes(Scenario.ticket("evt-", i, "Ticket " + i, "Body " + i))));
                }
                producer.flush();
                Thread.sleep(Math.max(0, FAULTY_FOR.toMillis() - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started)));
                receiver.faults(0, 0, Duration.ZERO);
                long faultsOff = System.nanoTime();
                Engines.await(() -> engine.counters().get("delivery").getOrDefault("delivered", 0L)
                        + engine.counters().get("delivery").getOrDefault("dead_letters", 0L) >= EVENTS, 150);
                long settledMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - faultsOff);
                // (a dead letter is counted when the engine decides it, and is on its topic once Kafka acknowledged it)
                String deadLetterTopic = "sinkfaults.dlq." + suffix;
                long counted = engine.counters().get("delivery").getOrDefault("dead_letters", 0L);
                Engines.await(() -> TopicReader.readAll(kafka.servers(), deadLetterTopic).size() >= counted, 30);

                // then every task is delivered or dead-lettered with its reason, none twice in the books
                Map<String, String> reasons = new HashMap<>();
                for (var record : TopicReader.readAll(kafka.servers(), deadLetterTopic)) {
                    String taskId = new String(record.key(), StandardCharsets.UTF_8);
                    assertThat(DeadLetters.header(record.headers(), DeadLetters.STAGE)).isEqualTo("delivery");
                    reasons.put(taskId, DeadLetters.header(record.headers(), DeadLetters.REASON));
                }
                Set<String> expected = new HashSet<>();
                for (int i = 0; i < EVENTS; i++) {
                    expected.add(Task.idFor(workflow, "/reliability", "evt-" + i, "create-task"));
                }
                Set<String> delivered = new HashSet<>(receiver.tasks().keySet());
                delivered.retainAll(expected);
                Set<String> accounted = new HashSet<>(delivered);
                accounted.addAll(reasons.keySet());
                Set<String> both = new HashSet<>(delivered);
                both.retainAll(reasons.keySet());
                long lost = expected.stream().filter(id -> !accounted.contains(id)).count();
                Map<Integer, Long> statuses = receiver.statuses();
                long retryAfterHonoured = 0;
                long retryAfterIgnored = 0;
                for (List<TaskReceiver.Attempt> attempts : receiver.history().values()) {
                    for (int a = 0; a + 1 < attempts.size(); a++) {
                        if (attempts.get(a).status() == 429) {
                            long waited = attempts.get(a + 1).nanos() - attempts.get(a).nanos();
                            if (waited >= TimeUnit.MILLISECONDS.toNanos(950)) {
                                retryAfterHonoured++;
                            } else {
                                retryAfterIgnored++;
                            }
                        }
                    }
                }
                Books books = new Books("sink faults 30%", EVENTS, delivered.size(), receiver.duplicates(), reasons.size() - both.size(),
                        0, lost, "answers " + statuses + ", " + receiver.hangs() + " hangs past the 1 s timeout, "
                                + hopeless.size() + " tasks failing always, " + both.size() + " kept by the receiver during a hang "
                                + "and then dead-lettered, retries after 429 waited >= 1 s: " + retryAfterHonoured + "/"
                                + (retryAfterHonoured + retryAfterIgnored) + ", settled " + settledMillis + " ms after the faults stopped").print();
                assertThat(lost).isZero();
                assertThat(reasons.keySet()).as("dead-lettered tasks").containsAll(hopeless);
                for (String id : hopeless) {
                    assertThat(reasons.get(id)).contains("failed " + MAX_ATTEMPTS + " attempts", "HTTP 500");
                    assertThat(receiver.history().get(id)).as("attempts of " + id).hasSize(MAX_ATTEMPTS);
                }
                assertThat(reasons.values()).allSatisfy(reason -> assertThat(reason).contains("attempts for task"));
                assertThat(statuses).containsKeys(429, 500);
                assertThat(receiver.hangs()).isPositive();
                assertThat(retryAfterIgnored).as("retries sooner than Retry-After").isZero();
            }
        }
    }
}
