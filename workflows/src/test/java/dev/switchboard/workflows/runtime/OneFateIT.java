package dev.switchboard.workflows.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.schemas.Task;
import dev.switchboard.workflows.cli.EventPublisher;
import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.workflows.model.WorkflowLoader;
import dev.switchboard.workflows.testing.SharedKafka;
import dev.switchboard.workflows.testing.TopicRecords;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * No event with two fates: a workflow makes two tasks per ticket, a small one and one that copies the
 * ticket's body, on a tasks topic that takes 4 KiB. A ticket whose body makes its second task too
 * large for the topic is dead-lettered, and its first task is not written either; the tickets around
 * it make both their tasks.
 */
@ExtendWith(SharedKafka.class)
class OneFateIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void should_write_none_of_an_events_tasks_when_one_of_them_is_too_large_for_the_topic(SharedKafka.Bootstrap kafka) throws Exception {
        // given a tasks topic that takes records of 4 KiB, and a workflow with a small task and one that copies the body
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String tasks = "fate.tasks." + suffix;
        String deadLetters = "fate.dlq." + suffix;
        createTopic(kafka.servers(), tasks, Map.of("max.message.bytes", "4096"));
        Files.writeString(dir.resolve("wf.yaml"), """
                name: fate-%s
                on:
                  topic: fate.events.%s
                  types: [ticket.created]
                  start: earliest
                steps:
                  - id: notify
                    task:
                      sink: queue
                      title: "Ticket {{ event.data.ticket_id }}"
                  - id: copy
                    task:
                      sink: queue
                      title: "Copy of {{ event.data.ticket_id }}"
                      body: "{{ event.data.body }}"
                """.formatted(suffix, suffix));
        var config = EngineConfigLoader.standard().parse("it.yaml", """
                kafka:
                  bootstrap_servers: %s
                topics:
                  tasks: %s
                  dead_letter: %s
                  deliveries: fate.deliveries.%s
                  review: fate.review.%s
                  audit: fate.audit.%s
                  decisions: fate.decisions.%s
                sinks:
                  queue:
                    jsonl:
                      path: tasks.jsonl
                """.formatted(kafka.servers(), tasks, deadLetters, suffix, suffix, suffix, suffix), dir);
        assertThat(config.problems()).isEmpty();
        try (Engine engine = Engine.builder(config.config()).build()) {
            WorkflowLoader.Result workflow = engine.loader().load(dir.resolve("wf.yaml"));
            assertThat(workflow.problems()).isEmpty();
            engine.start(List.of(workflow.workflow()), false);

            // when three tickets arrive, the middle one with a body of 6,000 characters
            EventPublisher.publish(kafka.servers(), Map.of(), "fate.events." + suffix, new StringReader(
                    ticket("ok-1", "Short") + ticket("big-1", "x".repeat(6000)) + ticket("ok-2", "Short too")));

            // then the big one is dead-lettered, saying why, and the others make both their tasks
            await().atMost(Duration.ofSeconds(60)).until(() -> TopicRecords.all(kafka.servers(), deadLetters).size() == 1
                    && TopicRecords.all(kafka.servers(), tasks).size() >= 4);
            ConsumerRecord<byte[], byte[]> dead = TopicRecords.all(kafka.servers(), deadLetters).get(0);
            assertThat(DeadLetters.header(dead.headers(), DeadLetters.REASON)).startsWith("Output for topic " + tasks + " refused: ")
                    .contains("None of its event's tasks is written: an event goes one way");
            assertThat(JSON.readTree(dead.value()).path("id").asText()).isEqualTo("big-1");
            assertThat(DeadLetters.header(dead.headers(), DeadLetters.STEP)).isEqualTo("copy");
            // and not one task of it is written: the event went one way
            assertThat(TopicRecords.all(kafka.servers(), tasks)).extracting(OneFateIT::eventId)
                    .containsExactlyInAnyOrder("ok-1", "ok-1", "ok-2", "ok-2");
        }
    }

    private static String eventId(ConsumerRecord<byte[], byte[]> record) {
        try {
            return JSON.readValue(record.value(), Task.class).eventId();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String ticket(String id, String body) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/it\",\"type\":\"ticket.created\",\"time\":\"2026-11-02T09:00:00Z\","
                + "\"data\":{\"ticket_id\":\"" + id + "\",\"subject\":\"s\",\"body\":\"" + body + "\"}}\n";
    }

    private static void createTopic(String servers, String topic, Map<String, String> configs) throws Exception {
        Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        try (Admin admin = Admin.create(properties)) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1).configs(configs))).all().get(30, TimeUnit.SECONDS);
        }
    }
}
