package dev.switchboard.workflows.docs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import dev.switchboard.connectors.sinks.TasklaneTaskSinkFactory;
import dev.switchboard.connectors.sources.QuillSourceFactory;
import dev.switchboard.llm.ModelDefinition;
import dev.switchboard.llm.ModelRegistry;
import dev.switchboard.llm.steps.SentimentStepFactory;
import dev.switchboard.schemas.Problem;
import dev.switchboard.schemas.options.Example;
import dev.switchboard.schemas.testing.StepTestKit;
import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.workflows.config.SinkTypes;
import dev.switchboard.workflows.config.SourceTypes;
import dev.switchboard.workflows.model.StepTypes;
import dev.switchboard.workflows.model.WorkflowLoader;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The guides' examples (the {@code sentiment} step, the {@code quill} source, the {@code tasklane} sink)
 * installed by their registrations, as a contributor's would be: the engine finds each by its YAML name, the
 * generated schemas and reference document it and accept its examples, and the loaders load files that
 * use it, reporting a problem at its line and path. The registrations sit under {@code guides/META-INF/services}
 * in the test resources of llm-steps and connectors, not under {@code META-INF/services}, so that no other test
 * (and no generated file) sees these types: only this class reads them there.
 */
class GuideRegistrationsTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** Reads {@code META-INF/services/...} also from {@code guides/META-INF/services/...}; loads every class as its parent does. */
    private static final ClassLoader GUIDES = new ClassLoader(GuideRegistrationsTest.class.getClassLoader()) {
        @Override
        public Enumeration<URL> getResources(String name) throws IOException {
            List<URL> urls = Collections.list(super.getResources(name));
            if (name.startsWith("META-INF/services/")) {
                urls.addAll(Collections.list(super.getResources("guides/" + name)));
            }
            return Collections.enumeration(urls);
        }
    };

    /** Runs with the guides' registrations visible to {@link java.util.ServiceLoader}, which reads the context class loader. */
    private static <T> T withGuides(Supplier<T> action) {
        Thread thread = Thread.currentThread();
        ClassLoader previous = thread.getContextClassLoader();
        thread.setContextClassLoader(GUIDES);
        try {
            return action.get();
        } finally {
            thread.setContextClassLoader(previous);
        }
    }

    @Test
    void should_install_each_example_under_its_yaml_name_when_its_registration_is_read() {
        // when
        StepTypes steps = withGuides(StepTypes::installed);
        SourceTypes sources = withGuides(SourceTypes::installed);
        SinkTypes sinks = withGuides(SinkTypes::installed);

        // then
        assertThat(steps.get("sentiment")).isInstanceOf(SentimentStepFactory.class);
        assertThat(steps.get("classify")).as("the registered step types are still there").isNotNull();
        assertThat(sources.get("quill")).isInstanceOf(QuillSourceFactory.class);
        assertThat(sinks.get("tasklane")).isInstanceOf(TasklaneTaskSinkFactory.class);
        assertThat(StepTypes.installed().contains("sentiment")).as("the examples stay out of every other test").isFalse();
    }

    @Test
    void should_document_each_example_and_accept_its_examples_when_the_schemas_and_reference_are_generated() throws IOException {
        // given
        SchemaGenerator generator = withGuides(SchemaGenerator::installed);
        JsonSchema workflowSchema = GeneratedFilesTest.SCHEMAS.getSchema(generator.workflowSchema());
        JsonSchema configSchema = GeneratedFilesTest.SCHEMAS.getSchema(generator.configSchema());

        // when
        Map<String, String> files = generator.files();

        // then
        assertThat(files.get(SchemaGenerator.WORKFLOW_REFERENCE)).contains("### `sentiment`", "| `negative_below` | number | no | `-0.3` |");
        assertThat(files.get(SchemaGenerator.CONFIG_REFERENCE)).contains("### `quill`", "### `tasklane`");
        for (Example example : SentimentStepFactory.Options.class.getAnnotationsByType(Example.class)) {
            ObjectNode workflow = YAML.createObjectNode().put("name", "example");
            workflow.putObject("on").putArray("types").add("ticket.created");
            workflow.putArray("steps").add(YAML.readTree(example.yaml()));
            assertThat(workflowSchema.validate(workflow)).as(example.title()).isEmpty();
        }
        for (Class<?> options : List.of(QuillSourceFactory.Options.class, TasklaneTaskSinkFactory.Options.class)) {
            String section = options == QuillSourceFactory.Options.class ? "sources" : "sinks";
            for (Example example : options.getAnnotationsByType(Example.class)) {
                ObjectNode config = YAML.createObjectNode();
                config.set(section, YAML.readTree(example.yaml()));
                assertThat(configSchema.validate(config)).as(example.title()).isEmpty();
            }
        }
    }

    @Test
    void should_load_a_configuration_with_the_source_and_the_sink_when_their_examples_are_used() {
        // given
        String config = "outbound:\n  allowed_hosts: [api.tasklane.example]\nsources:\n"
                + QuillSourceFactory.Options.class.getAnnotation(Example.class).yaml().indent(2)
                + "sinks:\n" + TasklaneTaskSinkFactory.Options.class.getAnnotation(Example.class).yaml().indent(2);
        Map<String, String> environment = Map.of("QUILL_WEBHOOK_SECRET", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",
                "TASKLANE_API_KEY", "tl_live_3kq9Zr7WbX2mN8pV5sT1");

        // when
        EngineConfigLoader.Result result = withGuides(() -> EngineConfigLoader.standard(name -> Optional.ofNullable(environment.get(name))))
                .parse("switchboard.yaml", config, Path.of("."));

        // then
        assertThat(result.problems()).isEmpty();
    }

    @Test
    void should_load_a_workflow_with_the_step_and_report_a_problem_at_its_line_and_path_when_its_options_are_wrong() {
        // given
        try (ModelRegistry models = new ModelRegistry(Map.of("fast", ModelDefinition.builder().baseUrl("http://127.0.0.1:9/v1").model("m").build()))) {
            WorkflowLoader loader = new WorkflowLoader(withGuides(StepTypes::installed), folder -> StepTestKit.environment().withService(models));
            String workflow = """
                    name: moods
                    on:
                      types: [ticket.created]
                    steps:
                      - id: mood
                        sentiment:
                          input: "{{ event.data.body }}"
                          model: fast
                    %s""";

            // when
            WorkflowLoader.Result valid = loader.parse("moods.yaml", workflow.formatted(""), Path.of("."), null);
            WorkflowLoader.Result invalid = loader.parse("moods.yaml",
                    workflow.formatted("      negative_below: 0.5\n      positive_above: 0.2\n"), Path.of("."), null);

            // then
            assertThat(valid.problems()).isEmpty();
            assertThat(invalid.problems()).extracting(Problem::line, Problem::path, Problem::message).containsExactly(
                    tuple(9, "steps[0].sentiment.negative_below",
                            "Thresholds overlap at steps[0].sentiment.negative_below: got '0.5', expected less than positive_above (0.2). "
                                    + "Lower negative_below or raise positive_above"));
        }
    }
}
