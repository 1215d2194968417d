package dev.switchboard.workflows.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.llm.ModelRegistry;
import dev.switchboard.llm.sim.ModelSimulator;
import dev.switchboard.schemas.Task;
import dev.switchboard.schemas.spi.CrmLookup;
import dev.switchboard.workflows.config.EngineConfig;
import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.workflows.config.Topics;
import dev.switchboard.workflows.model.StepTypes;
import dev.switchboard.workflows.model.WorkflowLoader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failure is per event, for every step type: a batch of 100 tickets over three partitions holds
 * three poison ones (first, middle, last), each of which makes the step under test fail in its own
 * way: an empty input, a model answer that is not JSON, a model endpoint that errs (retried, then
 * given up), a draft citing an article nobody retrieved, a lookup that finds nothing, a CRM table
 * that throws. Exactly those three are dead-lettered, each with a reason that names it and what to
 * fix, and the other 97 become tasks. The model simulator answers as a model would.
 */
class PoisonEventsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Topics TOPICS = new Topics("tasks", "dlq", "deliveries", "review", "audit", "decisions");
    private static final Set<Integer> POISON = Set.of(0, 50, 97);
    private static final Pattern ARTICLE = Pattern.compile("<article id=\"([^\"]+)\">");

    @TempDir
    Path dir;

    private ModelSimulator simulator;
    private ModelRegistry models;

    /**
     * One step type under test.
     *
     * @param step      the step, with id {@code s}, as YAML under {@code steps:}
     * @param poison    what a poison ticket's data has instead
     * @param reason    what its dead letter's reason says after the event's name
     * @param retried   whether the failure is retriable, so the event is tried four times before it is given up
     */
    record Case(String type, String step, Map<String, Object> poison, String reason, boolean retried) {
        @Override
        public String toString() {
            return type;
        }
    }

    static Stream<Case> cases() {
        return Stream.of(
                new Case("classify", """
                        - id: s
                          classify:
                            input: "{{ event.data.subject }}"
                            labels: {billing: Invoices and payments, bug: Something is broken}
                            model: sim
                            cache: "off"
                            injection: "off"
                        """, Map.of("subject", ""), "Empty input at steps.s.input: got '' from \"{{ event.data.subject }}\"", false),
                new Case("extract", """
                        - id: s
                          extract:
                            input: "{{ event.data.body }}"
                            model: sim
                            cache: "off"
                            injection: "off"
                            fields:
                              order: {type: string, description: The order number}
                        """, Map.of("body", "POISON-PROSE: where is my order?"), "is not JSON (after one repair)", false),
                new Case("score", """
                        - id: s
                          score:
                            input: "{{ event.data.body }}"
                            model: sim
                            cache: "off"
                            injection: "off"
                            min: 0
                            max: 100
                            rubric: "100: urgent, 0: not at all"
                        """, Map.of("body", "POISON-500: how urgent is this?"), "after 4 attempts", true),
                new Case("summarize", """
                        - id: s
                          summarize:
                            input: "{{ event.data.body }}"
                            model: sim
                            cache: "off"
                            injection: "off"
                        """, Map.of("body", " "), "Empty input at steps.s.input: got '' from \"{{ event.data.body }}\"", false),
                new Case("draft", """
                        - id: s
                          draft:
                            input: "{{ event.data.body }}"
                            knowledge_base: kb
                            model: sim
                            cache: "off"
                            injection: "off"
                        """, Map.of("body", "POISON-CITE: how do I reset my password?"), "which was not retrieved", false),
                new Case("enrich", """
                        - id: s
                          enrich:
                            lookups:
                              customer:
                                file: customers.csv
                                key_column: email
                                key: "{{ event.data.requester.email }}"
                                required: true
                        """, Map.of("requester", Map.of("email", "nobody@poison.example")),
                        "No record at lookups.customer: got key 'nobody@poison.example'", false),
                new Case("crm.lookup", """
                        - id: s
                          crm.lookup:
                            entity: contact
                            by: email
                            key: "{{ event.data.requester.email }}"
                        """, Map.of("requester", Map.of("email", "poison@crm.example")),
                        "after 4 attempts: it threw IllegalStateException: index entry corrupt", true),
                new Case("task", "", Map.of("subject", ""),
                        "Empty title at steps.create-task.title: got '' from \"{{ event.data.subject }}\"", false));
    }

    @BeforeEach
    void start() throws IOException {
        simulator = ModelSimulator.start().answers(PoisonEventsIT::answer)
                .faultWhen(request -> request.user().contains("POISON-500"), ModelSimulator.Fault.serverError());
        Files.createDirectories(dir.resolve("kb"));
        Files.writeString(dir.resolve("kb/password-reset.md"), "# Password reset\n\nOpen Settings, then Security, then Reset password.\n");
        Files.writeString(dir.resolve("kb/refunds.md"), "# Refunds\n\nRefunds reach your card within five working days.\n");
        StringBuilder customers = new StringBuilder("email,plan\n");
        IntStream.range(0, 100).forEach(i -> customers.append("user").append(i).append("@acme.example,pro\n"));
        Files.writeString(dir.resolve("customers.csv"), customers);
    }

    @AfterEach
    void stop() {
        if (models != null) {
            models.close();
        }
        simulator.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void should_dead_letter_exactly_the_poison_events_and_make_every_other_task_when_a_step_fails_on_them(Case step) throws Exception {
        // given a workflow of the step under test and a task, and 100 tickets over three partitions, three of them poison
        try (WorkflowRunner runner = runner(step)) {
            List<InputRecord> batch = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                batch.add(new InputRecord("events", i % 3, i, null, ticket(i, POISON.contains(i) ? step.poison() : Map.of())));
            }

            // when
            List<ProducerRecord<byte[], byte[]>> out = runner.process(batch);

            // then the 97 others become tasks
            Set<String> tasks = new HashSet<>();
            for (ProducerRecord<byte[], byte[]> record : out) {
                if (record.topic().equals("tasks")) {
                    tasks.add(JSON.readValue(record.value(), Task.class).eventId());
                }
            }
            assertThat(tasks).isEqualTo(IntStream.range(0, 100).filter(i -> !POISON.contains(i)).mapToObj(PoisonEventsIT::id)
                    .collect(Collectors.toSet()));
            // and exactly the three poison ones are dead-lettered, each named, with what went wrong
            List<ProducerRecord<byte[], byte[]>> dead = out.stream().filter(record -> record.topic().equals("dlq")).toList();
            assertThat(dead).extracting(record -> Integer.valueOf(DeadLetters.header(record.headers(), DeadLetters.SOURCE_OFFSET)))
                    .containsExactlyInAnyOrderElementsOf(POISON);
            for (ProducerRecord<byte[], byte[]> record : dead) {
                int offset = Integer.parseInt(DeadLetters.header(record.headers(), DeadLetters.SOURCE_OFFSET));
                String stepId = step.type().equals("task") ? "create-task" : "s";
                assertThat(DeadLetters.header(record.headers(), DeadLetters.REASON))
                        .startsWith("Step '" + stepId + "' (" + step.type() + ") failed for event '" + id(offset) + "' from '/it'"
                                + (step.retried() ? " after 4 attempts" : ": "))
                        .contains(step.reason());
            }
            assertThat(runner.counters()).containsEntry("tasks", 97L).containsEntry("dead_letters", 3L);
        }
    }

    private WorkflowRunner runner(Case step) {
        EngineConfig config = EngineConfigLoader.standard().parse("config", """
                models:
                  sim:
                    base_url: %s
                    model: qwen-sim
                    retries: 0
                sinks:
                  queue:
                    jsonl:
                      path: tasks.jsonl
                """.formatted(simulator.baseUrl()), dir).config();
        models = new ModelRegistry(config.models(), config.aliases());
        CrmLookup tables = (entity, by, key) -> {
            if (key.startsWith("poison")) {
                throw new IllegalStateException("index entry corrupt");
            }
            return Optional.of(Map.of("id", "c-" + key, "email", key));
        };
        var environment = new EngineStepEnvironment(config, models, tables);
        String task = """
                - id: create-task
                  task:
                    sink: queue
                    title: "%s"
                """.formatted(step.type().equals("task") ? "{{ event.data.subject }}" : "Ticket {{ event.data.ticket_id }}");
        WorkflowLoader.Result loaded = new WorkflowLoader(StepTypes.installed(), folder -> environment).parse("wf.yaml", """
                name: poison-%s
                on:
                  types: [ticket.created]
                steps:
                %s%s""".formatted(step.type().replace('.', '-'), indent(step.step()), indent(task)), dir, dir.resolve("wf.yaml"));
        assertThat(loaded.problems()).isEmpty();
        return new WorkflowRunner(loaded.workflow(), environment, TOPICS, new Retries(WorkflowRunner.STEP_RETRIES, Duration.ofMinutes(1),
                new FakeTimer()), List.of());
    }

    /** What the model says: an answer of the request's schema; prose to a poison; a draft citing a retrieved article, or an invented one, with the confidence the draft prompt asks for. */
    private static String answer(ModelSimulator.Request request) {
        if (request.body().contains("POISON-PROSE")) {
            return "I could not find an order number in this message, sorry.";
        }
        if (request.system().contains("Articles:")) {
            Matcher article = ARTICLE.matcher(request.system());
            String cited = request.body().contains("POISON-CITE") ? "made-up-article" : article.find() ? article.group(1) : null;
            return "{\"draft\": \"Thanks for writing; the steps are in our help center.\", \"citations\": ["
                    + (cited == null ? "" : "\"" + cited + "\"") + "], \"confidence\": 0.8}";
        }
        return ModelSimulator.defaultAnswer(request);
    }

    private static String id(int i) {
        return (POISON.contains(i) ? "poison-" : "ticket-") + i;
    }

    private static byte[] ticket(int i, Map<String, Object> poison) throws IOException {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("ticket_id", Integer.toString(i));
        data.put("subject", "Ticket number " + i);
        data.put("body", "My invoice " + i + " is wrong, please fix it.");
        data.put("requester", Map.of("email", "user" + i + "@acme.example"));
        data.putAll(poison);
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("specversion", "1.0");
        event.put("id", id(i));
        event.put("source", "/it");
        event.put("type", "ticket.created");
        event.put("time", "2026-11-02T09:00:00Z");
        event.put("data", data);
        return JSON.writeValueAsString(event).getBytes(StandardCharsets.UTF_8);
    }

    private static String indent(String yaml) {
        return yaml.isEmpty() ? "" : yaml.lines().map(line -> "  " + line).collect(Collectors.joining("\n", "", "\n"));
    }
}
