package dev.switchboard.workflows.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.schemas.Task;
import dev.switchboard.workflows.config.EngineConfig;
import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.workflows.config.Topics;
import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepEnvironment;
import dev.switchboard.schemas.spi.StepFactory;
import dev.switchboard.schemas.spi.StepInvocation;
import dev.switchboard.schemas.spi.StepOutcome;
import dev.switchboard.workflows.model.StepSpec;
import dev.switchboard.workflows.model.Trigger;
import dev.switchboard.workflows.model.Workflow;
import dev.switchboard.workflows.model.WorkflowLoader;
import dev.switchboard.llm.ModelRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkflowRunnerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Topics TOPICS = new Topics("tasks", "dlq", "deliveries", "review", "audit", "decisions");

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
        assertThat(task.id()).isEqualTo(Task.idFor("urgent-tickets", "/test", "e1", "check"));
        assertThat(task.title()).isEqualTo("Urgent: Printer on fire");
        assertThat(task.body()).isEqualTo("Help {{ event.id }} ${jndi:x}");
        assertThat(task.fields()).containsEntry("who", "ann@example.com");
        assertThat(runner.counters()).containsEntry("events", 3L).containsEntry("skipped", 1L).containsEntry("tasks", 1L);
    }

    @Test
    void should_dead_letter_at_once_with_the_path_and_the_fix_when_a_template_value_is_missing() {
        // given an urgent ticket without a requester (the task's fields read its email), and one with
        String without = ticket("e1", "urgent").replaceAll(",\\s*\"requester\":\\{[^}]*}", "");
        assertThat(without).doesNotContain("requester");

        // when
        List<ProducerRecord<byte[], byte[]>> out = runner.process(List.of(input(0, without), input(1, ticket("e2", "urgent"))));

        // then the event without it is dead-lettered on its first attempt, saying which value and how to give a fallback
        assertThat(out).extracting(ProducerRecord::topic).containsExactly("dlq", "tasks");
        assertThat(DeadLetters.header(out.get(0).headers(), DeadLetters.REASON)).isEqualTo("Step 'check' (task) failed for event 'e1'"
                + " from '/test': Missing value at event.data.requester.email: got nothing in \"{{ event.data.requester.email }}\", expected"
                + " a value. Give a fallback where it may be missing, {{ event.data.requester.email | default: \"...\" }}, or send events"
                + " that carry it");
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
            assertThat(DeadLetters.header(out.get(0).headers(), DeadLetters.REASON)).isEqualTo("Step 'call' (flaky) failed for event 'e1' from '/test' after "
                    + attempts + " attempts (no further attempt: its wait would pass the batch's limit of 5 s): endpoint down");
        }
    }

    @Test
    void should_dead_letter_only_the_events_a_step_throws_on_when_they_share_a_batch() {
        // given a step that throws whenever its batch holds a poison event, and ten events over three partitions, two poison
        FakeTimer timer = new FakeTimer();
        List<Integer> calls = new CopyOnWriteArrayList<>();
        try (WorkflowRunner throwing = oneStep("sorter", throwingOnPoison(calls), new Retries(WorkflowRunner.STEP_RETRIES, Duration.ofMinutes(1), timer))) {
            List<InputRecord> batch = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                boolean poison = i == 2 || i == 7;
                batch.add(new InputRecord("events", i % 3, i, null, ticket((poison ? "poison-" : "e") + i, "urgent")
                        .getBytes(StandardCharsets.UTF_8)));
            }

            // when
            List<ProducerRecord<byte[], byte[]>> out = throwing.process(batch);

            // then the eight others make their tasks, and exactly the two poison events are dead-lettered, each retried alone
            assertThat(out).filteredOn(record -> record.topic().equals("tasks")).hasSize(8);
            List<ProducerRecord<byte[], byte[]>> dead = out.stream().filter(record -> record.topic().equals("dlq")).toList();
            assertThat(dead).extracting(record -> DeadLetters.header(record.headers(), DeadLetters.SOURCE_OFFSET)).containsExactly("2", "7");
            assertThat(dead).extracting(record -> DeadLetters.header(record.headers(), DeadLetters.REASON)).allSatisfy(reason -> assertThat(reason)
                    .matches("Step 'call' \\(sorter\\) failed for event 'poison-[27]' from '/test' after 4 attempts: it threw "
                            + "NullPointerException: no priority\\. The step has a bug or met input it does not handle: .*")
                    .contains("re-drive this dead letter"));
            assertThat(calls.subList(calls.size() - 2, calls.size())).containsExactly(1, 1);
            assertThat(throwing.counters()).containsEntry("tasks", 8L).containsEntry("dead_letters", 2L);
        }
    }

    @Test
    void should_run_a_batch_in_one_call_when_no_event_makes_the_step_throw() {
        // given
        List<Integer> calls = new CopyOnWriteArrayList<>();
        try (WorkflowRunner throwing = oneStep("sorter", throwingOnPoison(calls), WorkflowRunner.stepRetries(Duration.ofMinutes(1)))) {
            List<InputRecord> batch = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                batch.add(input(i, ticket("e" + i, "urgent")));
            }

            // when
            List<ProducerRecord<byte[], byte[]>> out = throwing.process(batch);

            // then
            assertThat(out).hasSize(10).allMatch(record -> record.topic().equals("tasks"));
            assertThat(calls).containsExactly(10);
        }
    }

    /** A step that notes the size of each batch it runs, and throws when one of its events is a poison one (by its id). */
    private static Step throwingOnPoison(List<Integer> calls) {
        return batch -> {
            calls.add(batch.size());
            return batch.stream().map(invocation -> {
                if (invocation.eventId().startsWith("poison")) {
                    throw new NullPointerException("no priority");
                }
                return (StepOutcome) new StepOutcome.Completed(Map.of(), List.of(task(invocation)), List.of());
            }).toList();
        };
    }

    /** A runner of one step that fails retriably {@code failures} times, each call taking {@code work}. */
    private WorkflowRunner flakyRunner(int failures, Duration work, Duration batchLimit, FakeTimer timer, StepListener... listeners) {
        AtomicInteger calls = new AtomicInteger();
        return oneStep("flaky", batch -> {
            timer.advance(work);
            return batch.stream().map(invocation -> calls.incrementAndGet() <= failures
                    ? (StepOutcome) StepOutcome.Failed.retriable("endpoint down") : new StepOutcome.Completed(Map.of(), List.of(task(invocation)), List.of()))
                    .toList();
        }, new Retries(RetryPolicy.of(100, Duration.ofMillis(500), Duration.ofSeconds(2)), batchLimit, timer), listeners);
    }

    /** A runner of one step, {@code call} of type {@code type}, that runs {@code step}. */
    private WorkflowRunner oneStep(String type, Step step, Retries retries, StepListener... listeners) {
        StepFactory<Record> factory = new StepFactory<>() {
            @Override
            public Class<Record> optionsType() {
                return Record.class;
            }

            @Override
            public Step create(String stepId, Record options, StepEnvironment environment) {
                return step;
            }
        };
        Workflow workflow = new Workflow(type, null, new Trigger("events", List.of("ticket.created"), null, "latest", null, null),
                List.of(new StepSpec("call", null, type, factory, null, 1)), dir.resolve(type + ".yaml"));
        return new WorkflowRunner(workflow, null, TOPICS, retries, List.of(listeners));
    }

    private static Task task(StepInvocation invocation) {
        return new Task(Task.idFor(invocation.workflow(), invocation.eventSource(), invocation.eventId(), "call"), invocation.workflow(), "call", "queue",
                invocation.eventId(), invocation.eventType(), "t", "b", null, null, null, Map.of(), List.of(), null);
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
            assertThat(tasks).extracting(Task::id).containsExactly(Task.idFor("per-tag", "/test", "e9", "tagged[0]"), Task.idFor("per-tag", "/test", "e9", "tagged[1]"));
            assertThat(perTag.counters()).containsEntry("tasks", 2L);
        }
    }

    @Test
    void should_dead_letter_the_event_when_an_item_of_a_for_each_step_lacks_a_value_its_templates_read() throws Exception {
        // given a task per participant of a call, whose title reads the participant's job title (optional in call.completed)
        WorkflowLoader.Result result = new WorkflowLoader(dev.switchboard.workflows.model.StepTypes.installed(), folder -> environment())
                .parse("people.yaml", """
                        name: per-person
                        on:
                          types: [call.completed]
                        steps:
                          - id: thanks
                            task:
                              sink: queue
                              for_each: event.data.participants
                              title: "Thank {{ item.name }}, {{ item.title }}"
                        """, dir, dir.resolve("people.yaml"));
        assertThat(result.problems()).isEmpty();
        try (WorkflowRunner perPerson = new WorkflowRunner(result.workflow(), environment(), TOPICS,
                WorkflowRunner.stepRetries(Duration.ofMinutes(1)), List.of())) {
            // and a call whose second participant has no title
            ObjectNode call = (ObjectNode) JSON.readTree(Files.readAllLines(Path.of("examples/data/sales-calls.jsonl")).get(0));
            ((ObjectNode) call.path("data").path("participants").get(1)).remove("title");

            // when
            List<ProducerRecord<byte[], byte[]>> out = perPerson.process(List.of(input(0, call.toString())));

            // then no task of it is written: the event is dead-lettered, naming the item's missing value, as a plain template would
            assertThat(out).extracting(ProducerRecord::topic).containsExactly("dlq");
            assertThat(DeadLetters.header(out.get(0).headers(), DeadLetters.REASON)).contains("Missing value at item.title");
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
