package dev.switchboard.workflows.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.schemas.Task;
import dev.switchboard.schemas.events.EventParser;
import dev.switchboard.workflows.config.EngineConfig;
import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.workflows.model.Workflow;
import dev.switchboard.workflows.model.WorkflowLoader;
import dev.switchboard.llm.ModelRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkflowRunnerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private WorkflowRunner runner;

    @BeforeEach
    void setUp() {
        EngineConfig config = EngineConfigLoader.standard().parse("config", """
                sinks:
                  queue:
                    jsonl:
                      path: tasks.jsonl
                """, dir).config();
        ModelRegistry models = new ModelRegistry(Map.of());
        var environment = dev.switchboard.workflows.runtime.Engine.stepEnvironment(config, models);
        WorkflowLoader loader = new WorkflowLoader(dev.switchboard.workflows.model.StepTypes.installed(), folder -> environment);
        WorkflowLoader.Result result = loader.parse("wf.yaml", """
                name: urgent-tickets
                on:
                  types: [ticket.created]
                  filter: "event.data.priority != 'low'"
                steps:
                  - id: check
                    when: "event.data.priority == 'urgent'"
                    task:
                      sink: queue
                      title: "Urgent: {{ event.data.subject }}"
                      body: "{{ event.data.body }}"
                      fields:
                        who: "{{ event.data.requester.email }}"
                """, dir, dir.resolve("wf.yaml"));
        assertThat(result.problems()).isEmpty();
        Workflow workflow = result.workflow();
        runner = new WorkflowRunner(workflow, environment, new EventParser(), "tasks", "dlq");
    }

    @AfterEach
    void tearDown() {
        runner.close();
    }

    private static InputRecord input(long offset, String json) {
        return new InputRecord("events", 0, offset, null, json.getBytes(StandardCharsets.UTF_8));
    }

    private static String ticket(String id, String priority) {
        return """
                {"specversion":"1.0","id":"%s","source":"/test","type":"ticket.created","time":"2026-11-02T09:00:00Z",
                 "data":{"ticket_id":"1","subject":"Printer on fire","body":"Help {{ event.id }} ${jndi:x}","priority":"%s",
                         "requester":{"email":"ann@example.com"}}}
                """.formatted(id, priority).replace("\n", " ");
    }

    @Test
    void should_create_one_task_per_matching_event_when_condition_holds() throws Exception {
        // given three tickets: urgent, normal (when is false) and low (filtered out)
        List<InputRecord> batch = List.of(input(0, ticket("e1", "urgent")), input(1, ticket("e2", "normal")), input(2, ticket("e3", "low")));

        // when
        List<ProducerRecord<byte[], byte[]>> out = runner.process(batch);

        // then only the urgent one makes a task, with a deterministic id and template values as plain text
        assertThat(out).hasSize(1);
        assertThat(out.get(0).topic()).isEqualTo("tasks");
        Task task = JSON.readValue(out.get(0).value(), Task.class);
        assertThat(task.id()).isEqualTo(Task.idFor("urgent-tickets", "e1", "check"));
        assertThat(task.title()).isEqualTo("Urgent: Printer on fire");
        assertThat(task.body()).isEqualTo("Help {{ event.id }} ${jndi:x}");
        assertThat(task.fields()).containsEntry("who", "ann@example.com");
        assertThat(runner.counters()).containsEntry("events", 3L).containsEntry("skipped", 1L).containsEntry("tasks", 1L);
    }

    @Test
    void should_dead_letter_with_reason_and_original_bytes_when_event_is_malformed() {
        // given
        InputRecord bad = input(7, "{not json");

        // when
        List<ProducerRecord<byte[], byte[]>> out = runner.process(List.of(bad));

        // then
        assertThat(out).hasSize(1);
        ProducerRecord<byte[], byte[]> record = out.get(0);
        assertThat(record.topic()).isEqualTo("dlq");
        assertThat(record.value()).isEqualTo(bad.value());
        assertThat(DeadLetters.header(record.headers(), DeadLetters.REASON)).startsWith("Not JSON");
        assertThat(DeadLetters.header(record.headers(), DeadLetters.STAGE)).isEqualTo("workflow:urgent-tickets");
        assertThat(DeadLetters.header(record.headers(), DeadLetters.SOURCE_OFFSET)).isEqualTo("7");
    }

    @Test
    void should_produce_identical_task_when_event_is_replayed() {
        // given
        InputRecord event = input(0, ticket("e9", "urgent"));

        // when
        byte[] first = runner.process(List.of(event)).get(0).value();
        byte[] second = runner.process(List.of(event)).get(0).value();

        // then
        assertThat(second).isEqualTo(first);
    }
}
