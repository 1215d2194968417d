package dev.switchboard.workflows.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.schemas.Task;
import dev.switchboard.workflows.config.EngineConfig;
import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.workflows.config.Topics;
import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepEnvironment;
import dev.switchboard.schemas.spi.StepFactory;
import dev.switchboard.schemas.spi.StepOutcome;
import dev.switchboard.workflows.model.StepSpec;
import dev.switchboard.workflows.model.Trigger;
import dev.switchboard.workflows.model.Workflow;
import dev.switchboard.workflows.model.WorkflowLoader;
import dev.switchboard.llm.ModelRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkflowRunnerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Topics TOPICS = new Topics("tasks", "dlq", "deliveries", "review", "audit");

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
        var environment = new EngineStepEnvironment(config, models);
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
        runner = new WorkflowRunner(workflow, environment, TOPICS, WorkflowRunner.stepRetries(Duration.ofMinutes(1)), List.of());
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

    @Test
    void should_retry_a_retriable_failure_and_tell_listeners_around_each_attempt() {
        // given a step that fails twice, then succeeds, and a listener that notes what it hears
        List<String> heard = new ArrayList<>();
        FakeTimer timer = new FakeTimer();
        try (WorkflowRunner flaky = flakyRunner(2, Duration.ZERO, Duration.ofSeconds(60), timer, new Recorder(heard))) {
            // when
            List<ProducerRecord<byte[], byte[]>> out = flaky.process(List.of(input(0, ticket("e1", "urgent"))));

            // then the third attempt makes the task, after two waits, and listeners heard every attempt in order
            assertThat(out).extracting(ProducerRecord::topic).containsExactly("tasks");
            assertThat(timer.waits()).hasSize(2);
            assertThat(heard).containsExactly("started e1", "before call#1", "after call#1 retried", "before call#2",
                    "after call#2 retried", "before call#3", "after call#3 done", "ended e1 DONE 1", "batch 1 events 1 tasks");
        }
    }

    @Test
    void should_dead_letter_without_waiting_past_the_batch_limit_when_a_step_keeps_failing() {
        // given a step that always fails retriably and takes 1 s, 100 attempts allowed, and a batch limit of 5 s
        FakeTimer timer = new FakeTimer();
        try (WorkflowRunner flaky = flakyRunner(Integer.MAX_VALUE, Duration.ofSeconds(1), Duration.ofSeconds(5), timer)) {
            // when
            List<ProducerRecord<byte[], byte[]>> out = flaky.process(List.of(input(0, ticket("e1", "urgent"))));

            // then the event is dead-lettered before the waits pass the limit, saying why it was not tried again
            assertThat(out).extracting(ProducerRecord::topic).containsExactly("dlq");
            int attempts = timer.waits().size() + 1;
            assertThat(attempts).isBetween(2, 99);
            assertThat(timer.nanoTime()).isLessThanOrEqualTo(Duration.ofSeconds(5 + 1).toNanos());
            assertThat(DeadLetters.header(out.get(0).headers(), DeadLetters.REASON)).isEqualTo("Step 'call' (flaky) failed after "
                    + attempts + " attempts (no further attempt: its wait would pass the batch's limit of 5 s): endpoint down");
        }
    }

    /** A runner of one step that fails retriably {@code failures} times, each call taking {@code work}. */
    private WorkflowRunner flakyRunner(int failures, Duration work, Duration batchLimit, FakeTimer timer, StepListener... listeners) {
        AtomicInteger calls = new AtomicInteger();
        StepFactory<Record> factory = new StepFactory<>() {
            @Override
            public Class<Record> optionsType() {
                return Record.class;
            }

            @Override
            public Step create(String stepId, Record options, StepEnvironment environment) {
                return batch -> {
                    timer.advance(work);
                    return batch.stream().map(invocation -> calls.incrementAndGet() <= failures
                            ? (StepOutcome) StepOutcome.Failed.retriable("endpoint down")
                            : new StepOutcome.Completed(Map.of(), List.of(new Task(Task.idFor(invocation.workflow(), invocation.eventId(), "call"),
                                    invocation.workflow(), "call", "queue", invocation.eventId(), invocation.eventType(), "t", "b",
                                    null, null, null, Map.of(), List.of(), null)), List.of())).toList();
                };
            }
        };
        Workflow workflow = new Workflow("flaky", null, new Trigger("events", List.of("ticket.created"), null, "latest", null, null),
                List.of(new StepSpec("call", null, "flaky", factory, null, 1)), dir.resolve("flaky.yaml"));
        return new WorkflowRunner(workflow, null, TOPICS, new Retries(RetryPolicy.of(100, Duration.ofMillis(500), Duration.ofSeconds(2)),
                batchLimit, timer), List.of(listeners));
    }

    /** Notes each hook it hears, briefly. */
    private record Recorder(List<String> heard) implements StepListener {
        @Override
        public void eventStarted(EventRun run) {
            heard.add("started " + run.eventId());
        }

        @Override
        public void eventEnded(EventRun run, StepListener.EventEnd end, List<ProducerRecord<byte[], byte[]>> tasks) {
            heard.add("ended " + run.eventId() + " " + end + " " + tasks.size());
        }

        @Override
        public void beforeStep(StepAttempt attempt) {
            heard.add("before " + attempt.stepId() + "#" + attempt.attempt());
        }

        @Override
        public void afterStep(StepAttempt attempt, List<StepResult> results, Outputs out) {
            heard.add("after " + attempt.stepId() + "#" + attempt.attempt() + (results.get(0).retried() ? " retried" : " done"));
        }

        @Override
        public void afterBatch(String workflow, BatchCounts counts) {
            heard.add("batch " + counts.events() + " events " + counts.tasks() + " tasks");
        }
    }

    @Test
    void should_write_every_task_of_a_for_each_step_when_its_list_has_items() throws Exception {
        // given a workflow whose task step makes a task per tag of the ticket
        WorkflowLoader.Result result = new WorkflowLoader(dev.switchboard.workflows.model.StepTypes.installed(), folder -> environment())
                .parse("tags.yaml", """
                        name: per-tag
                        on:
                          types: [ticket.created]
                        steps:
                          - id: tagged
                            task:
                              sink: queue
                              for_each: event.data.tags
                              title: "{{ item }}: {{ event.data.subject }}"
                        """, dir, dir.resolve("tags.yaml"));
        assertThat(result.problems()).isEmpty();
        try (WorkflowRunner perTag = new WorkflowRunner(result.workflow(), environment(), TOPICS,
                WorkflowRunner.stepRetries(Duration.ofMinutes(1)), List.of())) {
            String event = ticket("e9", "normal").replace("\"priority\":\"normal\",", "\"priority\":\"normal\",\"tags\":[\"billing\",\"vip\"],");

            // when
            List<ProducerRecord<byte[], byte[]>> out = perTag.process(List.of(input(0, event)));

            // then both tasks are written, each under its own deterministic id
            assertThat(out).extracting(ProducerRecord::topic).containsExactly("tasks", "tasks");
            List<Task> tasks = new ArrayList<>();
            for (ProducerRecord<byte[], byte[]> record : out) {
                tasks.add(JSON.readValue(record.value(), Task.class));
            }
            assertThat(tasks).extracting(Task::title).containsExactly("billing: Printer on fire", "vip: Printer on fire");
            assertThat(tasks).extracting(Task::id).containsExactly(Task.idFor("per-tag", "e9", "tagged[0]"), Task.idFor("per-tag", "e9", "tagged[1]"));
            assertThat(perTag.counters()).containsEntry("tasks", 2L);
        }
    }

    private EngineStepEnvironment environment() {
        EngineConfig config = EngineConfigLoader.standard().parse("config", """
                sinks:
                  queue:
                    jsonl:
                      path: tasks.jsonl
                """, dir).config();
        return new EngineStepEnvironment(config, new ModelRegistry(Map.of()));
    }
}
