package dev.switchboard.workflows.docs;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.AnnotationKeyword;
import com.networknt.schema.JsonMetaSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import dev.switchboard.llm.ModelDefinition;
import dev.switchboard.llm.ModelRegistry;
import dev.switchboard.workflows.config.EngineConfig;
import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.workflows.model.StepTypes;
import dev.switchboard.workflows.model.WorkflowLoader;
import dev.switchboard.workflows.runtime.EngineStepEnvironment;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code budget:} key of a workflow file: the reference example loads and matches the schema. (Invalid budgets: fixtures in workflows/invalid.) */
class BudgetExampleTest {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String WORKFLOW = """
            name: ticket-triage
            on:
              types: [ticket.created]
            steps:
              - id: create-task
                task:
                  sink: support-queue
                  title: "{{ event.data.subject }}"
            """;

    @TempDir
    Path dir;

    private WorkflowLoader.Result load(String yaml) {
        EngineConfig config = EngineConfigLoader.standard().parse("config", """
                sinks:
                  support-queue:
                    jsonl:
                      path: tasks.jsonl
                """, dir).config();
        ModelRegistry models = new ModelRegistry(Map.of("cheap", ModelDefinition.builder().baseUrl("http://127.0.0.1:9/v1").model("m").build()));
        var environment = new EngineStepEnvironment(config, models);
        return new WorkflowLoader(StepTypes.installed(), folder -> environment).parse("wf.yaml", yaml, dir, dir.resolve("wf.yaml"));
    }

    @Test
    void should_load_the_budget_when_the_reference_example_is_added_to_a_workflow() {
        // when
        WorkflowLoader.Result result = load(WORKFLOW + ReferenceDocs.BUDGET_EXAMPLE);

        // then
        assertThat(result.problems()).isEmpty();
        assertThat(result.workflow().budget().dailyUsd()).isEqualTo(5.0);
        assertThat(result.workflow().budget().pauses()).isFalse();
        assertThat(result.workflow().budget().fallbackModel()).isEqualTo("cheap");
    }

    @Test
    void should_match_the_workflow_schema_when_the_reference_example_is_added_to_a_workflow() throws Exception {
        // given
        JsonSchemaFactory schemas = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012,
                factory -> factory.metaSchema(JsonMetaSchema.builder(JsonMetaSchema.getV202012())
                        .keywords(Stream.of("x-secret", "x-template", "x-cel").map(AnnotationKeyword::new).toList()).build()));
        ObjectNode workflow = (ObjectNode) YAML.readTree(WORKFLOW + ReferenceDocs.BUDGET_EXAMPLE);

        // when / then
        assertThat(schemas.getSchema(SchemaGenerator.installed().workflowSchema()).validate(workflow)).isEmpty();
    }

    @Test
    void should_have_no_budget_when_the_key_is_absent() {
        // when
        WorkflowLoader.Result result = load(WORKFLOW);

        // then
        assertThat(result.workflow().budget()).isNull();
    }
}
