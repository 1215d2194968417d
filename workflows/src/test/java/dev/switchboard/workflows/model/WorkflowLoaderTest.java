package dev.switchboard.workflows.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.switchboard.llm.ModelRegistry;
import dev.switchboard.schemas.Problem;
import dev.switchboard.schemas.spi.StepEnvironment;
import dev.switchboard.workflows.config.EngineConfig;
import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.workflows.runtime.EngineStepEnvironment;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class WorkflowLoaderTest {

    private static final Path EXAMPLES = Path.of("examples");

    @TempDir
    static Path dir;

    private static WorkflowLoader loader;
    private static WorkflowLoader examplesLoader;

    @BeforeAll
    static void setUp() throws URISyntaxException {
        // the sink the examples use; the model registry only knows 'embedded' and loads nothing until a step is created;
        // the fixtures' folder is one whose files workflows may name
        EngineConfig config = EngineConfigLoader.standard().parse("config", """
                sinks:
                  support-queue:
                    jsonl:
                      path: tasks.jsonl
                files:
                  allowed_dirs: ["%s"]
                """.formatted(fixtures()), dir).config();
        StepEnvironment environment = new EngineStepEnvironment(config, new ModelRegistry(Map.of()));
        loader = new WorkflowLoader(StepTypes.installed(), folder -> environment);
        // the examples load with the examples' own configuration: the sinks and models they name
        EngineConfigLoader.Result examples = EngineConfigLoader.standard().load(EXAMPLES.resolve("switchboard.yaml"));
        assertThat(examples.problems()).isEmpty();
        StepEnvironment examplesEnvironment = new EngineStepEnvironment(examples.config(),
                new ModelRegistry(examples.config().models(), examples.config().aliases()));
        examplesLoader = new WorkflowLoader(StepTypes.installed(), folder -> examplesEnvironment);
    }

    /** One fixture per rule; its leading comments say where and what the problem is. */
    record Fixture(Path file, int line, String message) {
        @Override
        public String toString() {
            return file.getFileName().toString();
        }
    }

    private static Path fixtures() throws URISyntaxException {
        return Path.of(Objects.requireNonNull(WorkflowLoaderTest.class.getResource("/workflows/invalid")).toURI());
    }

    static Stream<Fixture> invalidFixtures() throws IOException, URISyntaxException {
        Path folder = fixtures();
        try (Stream<Path> files = Files.list(folder)) {
            return files.filter(file -> file.toString().endsWith(".yaml")).sorted().map(WorkflowLoaderTest::fixture).toList().stream();
        }
    }

    private static Fixture fixture(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            int line = Integer.parseInt(header(file, lines, "# expect-line:"));
            return new Fixture(file, line, header(file, lines, "# expect:"));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String header(Path file, List<String> lines, String prefix) {
        return lines.stream().takeWhile(line -> line.startsWith("#")).filter(line -> line.startsWith(prefix))
                .map(line -> line.substring(prefix.length()).trim()).findFirst()
                .orElseThrow(() -> new IllegalStateException(file + " has no leading '" + prefix + "' comment"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidFixtures")
    void should_report_expected_problem_when_fixture_is_invalid(Fixture fixture) {
        // given a fixture that breaks one rule

        // when
        WorkflowLoader.Result result = loader.load(fixture.file());

        // then the problem is reported at its line with its message, and nothing loads
        assertThat(result.ok()).isFalse();
        assertThat(result.workflow()).isNull();
        assertThat(result.problems())
                .as("problems of %s", fixture)
                .anySatisfy(problem -> {
                    assertThat(problem.line()).isEqualTo(fixture.line());
                    assertThat(problem.message()).contains(fixture.message());
                });
    }

    @Test
    void should_have_a_fixture_for_every_rule_when_listing_invalid_fixtures() throws Exception {
        // given / when
        List<Fixture> fixtures = invalidFixtures().toList();

        // then a missing fixture would silently shrink the parameterized test
        assertThat(fixtures).hasSizeGreaterThanOrEqualTo(34);
    }

    @Test
    void should_report_every_problem_sorted_by_line_when_file_has_several() {
        // given a file with problems in the header, the trigger and three steps
        String text = """
                name: Ticket Triage
                on:
                  types: [ticket.created]
                  start: earlist
                steps:
                  - id: triage
                    clasify:
                      input: "{{ event.data.subject }}"
                  - id: create-task
                    task:
                      sink: crm
                      title: "{{ event.data.subject }}"
                  - id: notify
                    task:
                      sink: support-queue
                      title: "{{ ticket.subject }}"
                      priority: critical
                """;

        // when
        WorkflowLoader.Result result = loader.parse("several.yaml", text, dir, dir.resolve("several.yaml"));

        // then all of them are reported, not just the first, in file order
        assertThat(result.workflow()).isNull();
        assertThat(result.problems()).hasSizeGreaterThanOrEqualTo(3);
        assertThat(result.problems()).extracting(Problem::line).isSorted();
        assertThat(result.problems()).extracting(Problem::file).containsOnly("several.yaml");
        assertThat(result.problems())
                .extracting(Problem::line, problem -> problem.message().substring(0, problem.message().indexOf(" at ")))
                .containsExactly(
                        tuple(1, "Invalid name"),
                        tuple(4, "Unknown value"),
                        tuple(7, "Unknown step type 'clasify'"),
                        tuple(11, "Unknown sink"),
                        tuple(16, "Unknown root 'ticket' in '{{ ticket.subject }}'"),
                        tuple(17, "Unknown value"));
    }

    static Stream<Path> examples() throws IOException {
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            return files.filter(file -> file.toString().endsWith(".yaml"))
                    .filter(file -> !file.getFileName().toString().equals("switchboard.yaml"))
                    .sorted().toList().stream();
        }
    }

    @Test
    void should_find_examples_when_listing_examples_folder() throws IOException {
        // given / when / then the parameterized test below has something to check
        assertThat(examples()).isNotEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void should_load_without_problems_when_workflow_is_an_example(Path example) {
        // given an example shipped with the project

        // when
        WorkflowLoader.Result result = examplesLoader.load(example);

        // then
        assertThat(result.problems()).isEmpty();
        assertThat(result.workflow()).isNotNull();
        assertThat(result.workflow().steps()).isNotEmpty();
    }

    @Test
    void should_bind_trigger_and_steps_when_workflow_is_valid() {
        // given
        String text = """
                name: ticket-triage
                on:
                  types: [ticket.created, ticket.updated]
                  filter: "has(event.data.priority) && event.data.priority != 'low'"
                steps:
                  - id: triage
                    classify:
                      input: "{{ event.data.subject }}"
                      labels:
                        billing: Invoices and payments
                        bug: Something is broken
                  - id: create-task
                    when: "steps.triage.confidence > 0.5"
                    task:
                      sink: support-queue
                      title: "[{{ steps.triage.label }}] {{ event.data.subject }}"
                      due_in: PT4H
                """;

        // when
        WorkflowLoader.Result result = loader.parse("wf.yaml", text, dir, dir.resolve("wf.yaml"));

        // then defaults apply where nothing was written
        assertThat(result.problems()).isEmpty();
        Workflow workflow = result.workflow();
        assertThat(workflow.name()).isEqualTo("ticket-triage");
        assertThat(workflow.consumerGroup()).isEqualTo("switchboard.wf.ticket-triage");
        assertThat(workflow.on().types()).containsExactly("ticket.created", "ticket.updated");
        assertThat(workflow.on().topic()).isEqualTo("switchboard.events");
        assertThat(workflow.on().start()).isEqualTo("latest");
        assertThat(workflow.steps()).extracting(StepSpec::id).containsExactly("triage", "create-task");
        assertThat(workflow.steps()).extracting(StepSpec::type).containsExactly("classify", "task");
        assertThat(workflow.steps()).extracting(StepSpec::line).containsExactly(6, 12);
        assertThat(workflow.steps().get(1).when()).isEqualTo("steps.triage.confidence > 0.5");
    }

    @Test
    void should_warn_and_load_when_an_event_type_has_no_schema() {
        // given a type nothing ships a schema for
        String text = """
                name: invoices
                on:
                  types: [invoice.received]
                steps:
                  - id: file
                    task:
                      sink: support-queue
                      title: "{{ event.data.number }} {{ event.data.anything.at.all }}"
                """;

        // when
        WorkflowLoader.Result result = loader.parse("wf.yaml", text, dir, dir.resolve("wf.yaml"));

        // then its data is not checked, and the workflow says so
        assertThat(result.problems()).isEmpty();
        assertThat(result.workflow()).isNotNull();
        assertThat(result.warnings()).singleElement().satisfies(warning -> {
            assertThat(warning.line()).isEqualTo(3);
            assertThat(warning.isWarning()).isTrue();
            assertThat(warning.toString()).isEqualTo("wf.yaml:3: warning: No schema for event type 'invoice.received' at on.types[0]: "
                    + "its fields are not checked. Declare one, e.g. on: { schemas: { invoice.received: schemas/invoice.received.schema.json } }");
        });
    }

    @Test
    void should_check_templates_against_a_schema_the_workflow_declares() throws IOException {
        // given a schema beside the workflow, named relative to it
        Path folder = Files.createDirectories(dir.resolve("declared/schemas"));
        Files.writeString(folder.resolve("invoice.received.schema.json"), """
                {"type": "object", "required": ["number"],
                 "properties": {"number": {"type": "string"}, "amount": {"type": "number"},
                                "lines": {"type": "array", "items": {"type": "object", "properties": {"sku": {"type": "string"}}}}}}
                """);
        String text = """
                name: invoices
                on:
                  types: [invoice.received]
                  schemas:
                    invoice.received: schemas/invoice.received.schema.json
                steps:
                  - id: file
                    task:
                      sink: support-queue
                      title: "{{ event.data.number }} {{ event.data.lines[0].sku }} {{ event.data.amout }}"
                """;

        // when
        WorkflowLoader.Result result = loader.parse("wf.yaml", text, folder.getParent(), folder.getParent().resolve("wf.yaml"));

        // then what the schema has is read, what it has not is a problem, and there is no warning
        assertThat(result.warnings()).isEmpty();
        assertThat(result.problems()).extracting(Problem::line, Problem::message).containsExactly(tuple(10,
                "Unknown field 'amout' in '{{ event.data.amout }}' at steps[0].task.title: expected one of the fields of event.data "
                        + "(invoice.received) [amount, lines, number]; did you mean 'amount'?"));
    }

    @Test
    void should_report_the_three_mistakes_that_loaded_before_with_their_lines() {
        // given the mistakes of issue 18: a path the event type does not have, a misspelt output, a label the step does not declare
        String text = """
                name: github-triage
                on:
                  types: [ticket.created]
                steps:
                  - id: kind
                    classify:
                      input: "{{ event.data.issue.title }}"
                      labels:
                        bug: Something is broken
                        feature: A wish
                  - id: file
                    when: "steps.kind.label == 'bugs'"
                    task:
                      sink: support-queue
                      title: "[{{ steps.kind.lable }}] {{ event.data.subject }}"
                """;

        // when
        WorkflowLoader.Result result = loader.parse("wf.yaml", text, dir, dir.resolve("wf.yaml"));

        // then
        assertThat(result.workflow()).isNull();
        assertThat(result.problems()).extracting(Problem::line, problem -> problem.message().substring(0, problem.message().indexOf(" at ")))
                .containsExactly(
                        tuple(7, "Unknown field 'issue' in '{{ event.data.issue.title }}'"),
                        tuple(12, "Unknown label 'bugs' compared with steps.kind.label"),
                        tuple(15, "Unknown field 'lable' in '{{ steps.kind.lable }}'"));
    }

    @Test
    void should_check_a_path_with_a_fallback_like_any_other() {
        // given a fallback on a field the type may leave out, and one on a field it does not have
        String text = """
                name: triage
                on:
                  types: [ticket.created]
                steps:
                  - id: file
                    task:
                      sink: support-queue
                      title: "{{ event.data.channel | default: 'web' }} {{ event.data.title | default: '(none)' }}"
                """;

        // when
        WorkflowLoader.Result result = loader.parse("wf.yaml", text, dir, dir.resolve("wf.yaml"));

        // then a fallback does not make an unknown field known
        assertThat(result.problems()).singleElement().extracting(Problem::message).asString()
                .startsWith("Unknown field 'title' in '{{ event.data.title }}' at steps[0].task.title");
    }

    @Test
    void should_read_fields_of_any_of_several_event_types_and_of_an_enriched_step() {
        // given two types (status is only in ticket.updated) and an enrich step that takes an extract step's fields
        String text = """
                name: triage
                on:
                  types: [ticket.created, ticket.updated]
                  filter: "!has(event.data.status) || event.data.status != 'closed'"
                steps:
                  - id: contact
                    extract:
                      input: "{{ event.data.body }}"
                      model: embedded
                      fields:
                        company_domain: {type: string}
                  - id: account
                    enrich:
                      from: contact
                      lookups:
                        company:
                          crm: company.domain
                          key: "{{ steps.contact.company_domain }}"
                  - id: file
                    when: "'company' in steps.account.matched"
                    task:
                      sink: support-queue
                      title: "{{ steps.account.company_domain }} {{ steps.account.company.name }} {{ steps.account.confidence }}"
                """;

        // when
        WorkflowLoader.Result result = loader.parse("wf.yaml", text, dir, dir.resolve("wf.yaml"));

        // then only what is not a model for extract is a problem: every read is known
        assertThat(result.problems()).extracting(Problem::message).noneMatch(message -> message.startsWith("Unknown field"));
    }

    @Test
    void should_not_quote_a_schema_file_when_it_is_not_json() throws IOException {
        // given a declared schema that holds a secret and is not JSON
        Files.writeString(dir.resolve("leaky.schema.json"), "{\"token\": sk-live-SECRET-7d1f}");
        String text = """
                name: invoices
                on:
                  types: [invoice.received]
                  schemas:
                    invoice.received: leaky.schema.json
                steps:
                  - id: file
                    task:
                      sink: support-queue
                      title: "{{ event.data.number }}"
                """;

        // when
        WorkflowLoader.Result result = loader.parse("wf.yaml", text, dir, dir.resolve("wf.yaml"));

        // then
        assertThat(result.problems()).singleElement().extracting(Problem::message).asString()
                .contains("it is not valid JSON at line 1").doesNotContain("SECRET").doesNotContain("sk-live");
    }

    @Test
    void should_install_the_model_steps_and_task_when_listing_step_types() {
        // given / when
        StepTypes types = StepTypes.installed();

        // then
        assertThat(types.all()).containsOnlyKeys("classify", "crm.lookup", "decide", "draft", "enrich", "extract", "invoice.check", "review",
                "score", "summarize", "task");
        assertThat(types.contains("classify")).isTrue();
        assertThat(types.get("clasify")).isNull();
    }
}
