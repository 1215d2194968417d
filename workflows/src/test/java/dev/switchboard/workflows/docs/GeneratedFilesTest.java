package dev.switchboard.workflows.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.AnnotationKeyword;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.switchboard.schemas.options.Example;
import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.workflows.config.SinkTypes;
import dev.switchboard.workflows.config.SourceTypes;
import dev.switchboard.workflows.model.StepTypes;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The committed schemas and reference docs are what the generator makes from the installed step
 * and sink types, and every example (on the records, in the docs, in {@code workflows/examples})
 * is valid against the generated schemas. With {@code -Dswitchboard.regenerate=true} the first
 * test writes the files instead of failing.
 */
class GeneratedFilesTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    // OptionsSchema's x- flags tell editors about secrets, templates and CEL; to a validator they are annotations.
    static final JsonSchemaFactory SCHEMAS = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
            factory -> factory.metaSchema(JsonMetaSchema.builder(JsonMetaSchema.getV202012())
                    .keywords(Stream.of("x-secret", "x-template", "x-cel").map(AnnotationKeyword::new).toList())
                    .build()));
    private static final SchemaGenerator GENERATOR = SchemaGenerator.installed();
    private static final JsonSchema WORKFLOW_SCHEMA = SCHEMAS.getSchema(GENERATOR.workflowSchema());
    private static final JsonSchema CONFIG_SCHEMA = SCHEMAS.getSchema(GENERATOR.configSchema());

    @Test
    void should_match_the_generator_output_when_generated_files_are_committed() throws IOException {
        // given
        Path root = repositoryRoot();
        if (Boolean.getBoolean("switchboard.regenerate")) {
            GENERATOR.write(root).forEach(file -> System.out.println("Regenerated " + file));
        }

        // when
        List<String> stale = new ArrayList<>();
        for (Map.Entry<String, String> file : GENERATOR.files().entrySet()) {
            Path path = root.resolve(file.getKey());
            if (!Files.exists(path) || !Files.readString(path, StandardCharsets.UTF_8).replace("\r\n", "\n").equals(file.getValue())) {
                stale.add(file.getKey());
            }
        }

        // then
        assertThat(stale)
                .withFailMessage("Generated files are stale or missing: %s. They are generated from the installed step and sink types; "
                        + "regenerate them with `%s` and commit the result", stale, SchemaGenerator.REGENERATE_COMMAND)
                .isEmpty();
    }

    @Test
    void should_conform_to_the_2020_12_meta_schema_when_schemas_are_generated() {
        // given
        JsonSchema metaSchema = SCHEMAS.getSchema(SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));

        // when
        Set<ValidationMessage> workflow = metaSchema.validate(GENERATOR.workflowSchema());
        Set<ValidationMessage> config = metaSchema.validate(GENERATOR.configSchema());

        // then
        assertThat(workflow).isEmpty();
        assertThat(config).isEmpty();
    }

    @Test
    void should_have_an_example_when_a_step_or_sink_type_is_installed() {
        // given
        List<Class<? extends Record>> options = new ArrayList<>();
        StepTypes.installed().all().values().forEach(factory -> options.add(factory.optionsType()));
        SinkTypes.installed().all().values().forEach(factory -> options.add(factory.optionsType()));
        SourceTypes.installed().all().values().forEach(factory -> options.add(factory.optionsType()));

        // then
        assertThat(options).isNotEmpty().allSatisfy(type ->
                assertThat(type.getAnnotationsByType(Example.class)).as("@Example on %s", type.getName()).isNotEmpty());
    }

    static Stream<Arguments> stepExamples() {
        return StepTypes.installed().all().entrySet().stream().flatMap(entry ->
                Stream.of(entry.getValue().optionsType().getAnnotationsByType(Example.class))
                        .map(example -> Arguments.of(entry.getKey(), example.title(), example.yaml())));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("stepExamples")
    void should_match_the_workflow_schema_when_a_step_example_is_the_only_step(String type, String title, String yaml) throws IOException {
        // given
        ObjectNode workflow = minimalWorkflow();
        workflow.putArray("steps").add(YAML.readTree(yaml));

        // when
        Set<ValidationMessage> messages = WORKFLOW_SCHEMA.validate(workflow);

        // then
        assertThat(messages).as("example '%s' of step type %s", title, type).isEmpty();
    }

    static Stream<Arguments> sinkExamples() {
        return SinkTypes.installed().all().entrySet().stream().flatMap(entry ->
                Stream.of(entry.getValue().optionsType().getAnnotationsByType(Example.class))
                        .map(example -> Arguments.of(entry.getKey(), example.title(), example.yaml())));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("sinkExamples")
    void should_match_the_config_schema_when_a_sink_example_is_under_sinks(String type, String title, String yaml) throws IOException {
        // given
        ObjectNode config = YAML.createObjectNode();
        config.set("sinks", YAML.readTree(yaml));

        // when
        Set<ValidationMessage> messages = CONFIG_SCHEMA.validate(config);

        // then
        assertThat(messages).as("example '%s' of sink type %s", title, type).isEmpty();
    }

    static Stream<Arguments> sourceExamples() {
        return SourceTypes.installed().all().entrySet().stream().flatMap(entry ->
                Stream.of(entry.getValue().optionsType().getAnnotationsByType(Example.class))
                        .map(example -> Arguments.of(entry.getKey(), example.title(), example.yaml())));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("sourceExamples")
    void should_match_the_config_schema_when_a_source_example_is_under_sources(String type, String title, String yaml) throws IOException {
        // given
        ObjectNode config = YAML.createObjectNode();
        config.set("sources", YAML.readTree(yaml));

        // when
        Set<ValidationMessage> messages = CONFIG_SCHEMA.validate(config);

        // then
        assertThat(messages).as("example '%s' of source type %s", title, type).isEmpty();
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("sourceExamples")
    void should_load_without_problems_when_a_source_example_is_read_by_the_config_loader(String type, String title, String yaml) {
        // given every secret the example names is set (a Standard Webhooks secret fits every scheme),
        // and the camel source's example scheme is allowed, as a real configuration must allow it
        String config = "outbound:\n  camel_schemes: [kafka]\nsources:\n" + yaml.indent(2);

        // when
        EngineConfigLoader.Result result = EngineConfigLoader.standard(name -> java.util.Optional.of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
                .parse("example.yaml", config, Path.of("."));

        // then
        assertThat(result.problems()).as("example '%s' of source type %s", title, type).isEmpty();
    }

    @Test
    void should_match_the_config_schema_when_the_models_example_of_the_docs_is_read() throws IOException {
        // when
        Set<ValidationMessage> messages = CONFIG_SCHEMA.validate(YAML.readTree(ReferenceDocs.MODELS_EXAMPLE));

        // then
        assertThat(messages).isEmpty();
    }

    static Stream<Path> exampleWorkflows() throws IOException {
        try (Stream<Path> files = Files.list(repositoryRoot().resolve("workflows/examples"))) {
            return files.filter(file -> file.getFileName().toString().matches(".*\\.ya?ml"))
                    .filter(file -> !file.getFileName().toString().equals("switchboard.yaml"))
                    .sorted().toList().stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("exampleWorkflows")
    void should_match_the_workflow_schema_when_an_example_workflow_file_is_read(Path file) throws IOException {
        // when
        Set<ValidationMessage> messages = WORKFLOW_SCHEMA.validate(YAML.readTree(file.toFile()));

        // then
        assertThat(messages).as("%s", file).isEmpty();
    }

    @Test
    void should_match_the_config_schema_when_the_example_switchboard_yaml_is_read() throws IOException {
        // given
        Path file = repositoryRoot().resolve("workflows/examples/switchboard.yaml");

        // when
        Set<ValidationMessage> messages = CONFIG_SCHEMA.validate(YAML.readTree(file.toFile()));

        // then
        assertThat(messages).isEmpty();
    }

    @Test
    void should_reject_a_step_when_it_has_two_step_types() throws IOException {
        // given
        ObjectNode workflow = minimalWorkflow();
        workflow.putArray("steps").add(YAML.readTree("""
                id: both
                task: { sink: queue, title: t }
                classify: { input: x, labels: { a: A, b: B } }
                """));

        // when
        Set<ValidationMessage> messages = WORKFLOW_SCHEMA.validate(workflow);

        // then
        assertThat(messages).isNotEmpty();
    }

    @Test
    void should_reject_a_step_when_its_type_is_not_installed() throws IOException {
        // given
        ObjectNode workflow = minimalWorkflow();
        workflow.putArray("steps").add(YAML.readTree("""
                id: triage
                clasify: { input: x, labels: { a: A, b: B } }
                """));

        // when
        Set<ValidationMessage> messages = WORKFLOW_SCHEMA.validate(workflow);

        // then
        assertThat(messages).isNotEmpty();
    }

    @Test
    void should_reject_a_sink_when_it_names_no_sink_type() throws IOException {
        // when
        Set<ValidationMessage> messages = CONFIG_SCHEMA.validate(YAML.readTree("""
                sinks:
                  local:
                    path: out/tasks.jsonl
                """));

        // then
        assertThat(messages).isNotEmpty();
    }

    private static ObjectNode minimalWorkflow() {
        ObjectNode workflow = YAML.createObjectNode();
        workflow.put("name", "example");
        workflow.putObject("on").putArray("types").add("ticket.created");
        return workflow;
    }

    /** Surefire runs in the module folder; the generated files live at the repository root. */
    static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("workflows/pom.xml")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("No repository root (a folder with workflows/pom.xml) above " + Path.of("").toAbsolutePath());
    }
}
