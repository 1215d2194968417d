package dev.switchboard.workflows.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.schemas.Task;
import dev.switchboard.workflows.cli.EventPublisher;
import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.workflows.model.WorkflowLoader;
import dev.switchboard.workflows.testing.SharedKafka;
import dev.switchboard.workflows.testing.TaskReceiver;
import dev.switchboard.workflows.testing.TopicRecords;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18: with the old default a stopped receiver dead-lettered its tasks within about 25 s. Here a
 * receiver is down for 10 minutes, with every wait scaled down a hundredfold (the default schedule
 * 5 s, 5 min, 30 min, ... becomes 50 ms, 3 s, 18 s, ...; the outage 6 s) and the mechanism unchanged:
 * the same retry topics, the same pausing until due. Every task arrives once it is back, none is
 * dead-lettered, and tasks that come after are not held behind the ones waiting.
 */
@ExtendWith(SharedKafka.class)
class DeliveryRetriesIT {

    private static final int WAITING = 20;
    private static final int LATER = 5;
    private static final Duration OUTAGE = Duration.ofSeconds(6);

    @TempDir
    Path dir;

    @Test
    void should_deliver_every_task_without_a_dead_letter_when_the_receiver_is_down_for_ten_minutes_of_scaled_time(SharedKafka.Bootstrap kafka)
            throws Exception {
        // given a receiver that is down, and an engine on the default schedule scaled down a hundredfold
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        AtomicBoolean down = new AtomicBoolean(true);
        try (TaskReceiver receiver = new TaskReceiver().failForever(key -> down.get());
             Engine engine = start(kafka.servers(), suffix, receiver)) {
            // when tasks arrive during the outage
            long started = System.nanoTime();
            publish(kafka.servers(), suffix, 0, WAITING);
            // (every waiting task has failed its first three attempts: the next one is 18 s of scaled time away, so the
            // later tasks below have that long to pass them, however loaded the machine)
            Set<String> waitingIds = ids(suffix, 0, WAITING);
            await().atMost(Duration.ofSeconds(60)).until(() -> waitingIds.stream()
                    .allMatch(id -> receiver.history().getOrDefault(id, List.of()).size() >= 3));
            Thread.sleep(Math.max(0, OUTAGE.toMillis() - (System.nanoTime() - started) / 1_000_000)); // the outage itself, not a wait for a condition

            // and the receiver comes back, and more tasks arrive while the first ones still wait for their next attempt
            down.set(false);
            publish(kafka.servers(), suffix, WAITING, WAITING + LATER);

            // then the later tasks are not held behind the waiting ones
            Set<String> waiting = ids(suffix, 0, WAITING);
            Set<String> later = ids(suffix, WAITING, WAITING + LATER);
            await().atMost(Duration.ofSeconds(60)).until(() -> receiver.tasks().keySet().containsAll(later));
            assertThat(receiver.tasks().keySet()).as("waiting tasks delivered before the later ones").doesNotContainAnyElementsOf(waiting);

            // and every waiting task arrives, after more than one attempt, and none is dead-lettered
            await().atMost(Duration.ofSeconds(120)).until(() -> receiver.tasks().keySet().containsAll(waiting));
            assertThat(receiver.history()).allSatisfy((id, attempts) -> {
                if (waiting.contains(id)) {
                    assertThat(attempts).as("attempts of " + id).hasSizeGreaterThan(2);
                }
            });
            // (the receiver holds a task before it answers; the engine counts it once it has read the answer)
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> engine.counters().get("delivery").getOrDefault("delivered", 0L) >= WAITING + LATER);
            assertThat(engine.counters().get("delivery")).containsEntry("delivered", (long) WAITING + LATER).doesNotContainKey("dead_letters");
            assertThat(TopicRecords.all(kafka.servers(), "retries.dlq." + suffix)).isEmpty();
            assertThat(TopicRecords.all(kafka.servers(), "retries.tasks." + suffix + ".retry.1s"))
                    .as("tasks held on the retry topics").isNotEmpty();
        }
    }

    private Engine start(String servers, String suffix, TaskReceiver receiver) throws Exception {
        String config = """
                kafka:
                  bootstrap_servers: %s
                topics:
                  tasks: retries.tasks.%s
                  dead_letter: retries.dlq.%s
                  deliveries: retries.deliveries.%s
                sinks:
                  receiver:
                    webhook:
                      url: %s
                      timeout_seconds: 5
                outbound:
                  allowed_hosts: [%s]
                http:
                  port: -1
                delivery:
                  schedule: [50ms, 3s, 18s, 72s, 3m, 6m, 6m]
                """.formatted(servers, suffix, suffix, suffix, receiver.url(), receiver.hostAndPort());
        Files.writeString(dir.resolve("wf.yaml"), """
                name: retries-%s
                on:
                  topic: retries.events.%s
                  types: [ticket.created]
                  start: earliest
                steps:
                  - id: create-task
                    task:
                      sink: receiver
                      title: "{{ event.data.subject }}"
                """.formatted(suffix, suffix));
        EngineConfigLoader.Result loaded = EngineConfigLoader.standard().parse("switchboard.yaml", config, dir);
        assertThat(loaded.problems()).isEmpty();
        Engine engine = Engine.builder(loaded.config()).build();
        WorkflowLoader.Result workflow = engine.loader().load(dir.resolve("wf.yaml"));
        assertThat(workflow.problems()).isEmpty();
        engine.start(List.of(workflow.workflow()));
        return engine;
    }

    private static void publish(String servers, String suffix, int from, int to) throws Exception {
        String lines = IntStream.range(from, to).mapToObj(i -> "{\"specversion\":\"1.0\",\"id\":\"evt-" + i + "\",\"source\":\"/it\","
                + "\"type\":\"ticket.created\",\"subject\":\"customer-" + i + "\",\"time\":\"2026-11-02T09:00:00Z\",\"data\":{\"ticket_id\":\""
                + i + "\",\"subject\":\"Ticket " + i + "\",\"body\":\"Body\"}}").collect(Collectors.joining("\n"));
        EventPublisher.publish(servers, Map.of(), "retries.events." + suffix, new StringReader(lines));
    }

    private static Set<String> ids(String suffix, int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> Task.idFor("retries-" + suffix, "/it", "evt-" + i, "create-task")).collect(Collectors.toSet());
    }
}
