package dev.switchboard.workflows.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.schemas.Task;
import dev.switchboard.workflows.cli.EventPublisher;
import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.workflows.model.WorkflowLoader;
import dev.switchboard.workflows.testing.SharedKafka;
import dev.switchboard.workflows.testing.TaskReceiver;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18: an engine with a new workflow ({@code start} at its default, latest) answered
 * {@code /health/ready} 200 before the workflow's group had its partitions; Kafka's "latest" was
 * then taken at the first assignment, and two events produced right after readiness were never
 * processed. Now readiness means consuming, and "latest" means from when the engine started it.
 */
@ExtendWith(SharedKafka.class)
class WorkflowStartIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void should_process_events_produced_right_after_readiness_when_the_workflow_is_new_and_starts_from_now(SharedKafka.Bootstrap kafka)
            throws Exception {
        // given a topic with an event from before the start, and a brand-new workflow that reads it from now
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String topic = "start.events." + suffix;
        KafkaTopics.create(kafka.servers(), Map.of(), Set.of(topic), 3, (short) 1);
        publish(kafka.servers(), topic, "before");
        try (TaskReceiver receiver = new TaskReceiver(); Engine engine = start(kafka.servers(), suffix, topic, receiver)) {
            // when the engine has started (where `run` prints its banner), an event is produced at once
            publish(kafka.servers(), topic, "after-1");

            // and another as soon as it answers ready
            HttpClient http = HttpClient.newHttpClient();
            URI ready = URI.create("http://127.0.0.1:" + engine.adminPort() + "/health/ready");
            HttpResponse<String> answer = await().atMost(Duration.ofSeconds(30)).until(
                    () -> http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString()), response -> response.statusCode() == 200);
            publish(kafka.servers(), topic, "after-2");

            // then readiness said the workflow consumes, both events become tasks, and the one from before the start does not
            JsonNode workflow = JSON.readTree(answer.body()).path("workflows").get(0);
            assertThat(workflow.path("assigned").asBoolean()).isTrue();
            String after1 = Task.idFor("start-" + suffix, "/it", "after-1", "create-task");
            String after2 = Task.idFor("start-" + suffix, "/it", "after-2", "create-task");
            await().atMost(Duration.ofSeconds(60)).until(() -> receiver.tasks().keySet().containsAll(List.of(after1, after2)));
            assertThat(engine.counters().get("workflow.start-" + suffix)).containsEntry("events", 2L);
            assertThat(receiver.tasks()).doesNotContainKey(Task.idFor("start-" + suffix, "/it", "before", "create-task"));
        }
    }

    private Engine start(String servers, String suffix, String topic, TaskReceiver receiver) throws Exception {
        String config = """
                kafka:
                  bootstrap_servers: %s
                topics:
                  tasks: start.tasks.%s
                  dead_letter: start.dlq.%s
                  deliveries: start.deliveries.%s
                sinks:
                  receiver:
                    webhook:
                      url: %s
                outbound:
                  allowed_hosts: [%s]
                http:
                  port: 0
                """.formatted(servers, suffix, suffix, suffix, receiver.url(), receiver.hostAndPort());
        Files.writeString(dir.resolve("wf.yaml"), """
                name: start-%s
                on:
                  topic: %s
                  types: [ticket.created]
                steps:
                  - id: create-task
                    task:
                      sink: receiver
                      title: "{{ event.data.subject }}"
                """.formatted(suffix, topic));
        EngineConfigLoader.Result loaded = EngineConfigLoader.standard().parse("switchboard.yaml", config, dir);
        assertThat(loaded.problems()).isEmpty();
        Engine engine = Engine.builder(loaded.config()).build();
        WorkflowLoader.Result workflow = engine.loader().load(dir.resolve("wf.yaml"));
        assertThat(workflow.problems()).isEmpty();
        engine.start(List.of(workflow.workflow()));
        return engine;
    }

    private static void publish(String servers, String topic, String id) throws Exception {
        EventPublisher.publish(servers, Map.of(), topic, new StringReader("{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/it\","
                + "\"type\":\"ticket.created\",\"subject\":\"" + id + "\",\"data\":{\"ticket_id\":\"" + id + "\",\"subject\":\"S\",\"body\":\"B\"}}\n"));
    }
}
