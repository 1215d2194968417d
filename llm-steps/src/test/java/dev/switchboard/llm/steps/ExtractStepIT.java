package dev.switchboard.llm.steps;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.llm.ModelDefinition;
import dev.switchboard.llm.ModelRegistry;
import dev.switchboard.llm.sim.ModelSimulator;
import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepOutcome;
import dev.switchboard.schemas.testing.StepTestKit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The extract step with objects and lists of objects, against the OpenAI-compatible model simulator. */
class ExtractStepIT {

    private static final String INVOICE_FIELDS = """
            input: "{{ event.data.text }}"
            model: fast
            cache: "off"
            fields:
              supplier:
                type: object
                required: true
                fields:
                  name: {type: string, required: true}
                  vat_id: {type: string}
              invoice_number: {type: string, required: true}
              total: {type: number, required: true}
              tax_lines:
                type: list
                fields:
                  rate: {type: number, required: true}
                  tax: {type: number, required: true}
            """;

    private ModelSimulator model;
    private ModelRegistry models;
    private StepTestKit.Environment environment;

    @BeforeEach
    void start() {
        model = ModelSimulator.start();
        models = new ModelRegistry(Map.of("fast", ModelDefinition.builder().baseUrl(model.baseUrl()).model("sim").retries(0).build()));
        environment = StepTestKit.environment().withService(models);
    }

    @AfterEach
    void stop() {
        models.close();
        model.close();
    }

    private StepOutcome extract(String options, String text) {
        Step step = StepTestKit.create(new ExtractStepFactory(), "invoice", options, environment);
        return StepTestKit.run(step, StepTestKit.invocation().data("text", text).build());
    }

    @Test
    void should_output_objects_and_lists_with_their_declared_fields_only_when_the_answer_fits_the_schema() {
        // given a model that adds a field nobody declared
        model.answers(request -> """
                {"supplier": {"name": "Kabelwerk Nord GmbH", "vat_id": "DE129273398", "phone": "+49 40 1234"},
                 "invoice_number": "RE-26-10394", "total": 1190.0,
                 "tax_lines": [{"rate": 19, "tax": 190.0}], "confidence": 0.93}""");

        // when
        StepOutcome outcome = extract(INVOICE_FIELDS, "Rechnung RE-26-10394 ...");

        // then
        assertThat(outcome).isInstanceOfSatisfying(StepOutcome.Completed.class, completed -> {
            assertThat(completed.output()).containsEntry("supplier", Map.of("name", "Kabelwerk Nord GmbH", "vat_id", "DE129273398"))
                    .containsEntry("invoice_number", "RE-26-10394").containsEntry("total", 1190.0)
                    .containsEntry("tax_lines", List.of(Map.of("rate", 19.0, "tax", 190.0)));
        });
    }

    @Test
    void should_send_the_nested_schema_with_every_property_required_when_it_asks_the_model() {
        // given
        model.answers(request -> """
                {"supplier": {"name": "A", "vat_id": null}, "invoice_number": "1", "total": 1, "tax_lines": [], "confidence": 0.9}""");

        // when
        extract(INVOICE_FIELDS, "Invoice 1");

        // then
        JsonNode properties = model.requests().get(0).schemaProperties();
        assertThat(properties.path("supplier").path("type").asText()).isEqualTo("object");
        assertThat(properties.path("supplier").path("required")).extracting(JsonNode::asText).containsExactly("name", "vat_id");
        JsonNode taxLines = properties.path("tax_lines").path("anyOf").get(0);
        assertThat(taxLines.path("type").asText()).isEqualTo("array");
        assertThat(taxLines.path("items").path("properties").path("rate").path("type").asText()).isEqualTo("number");
        assertThat(model.requests().get(0).system()).contains("- tax_lines (list of objects, each with rate (number, required); "
                + "tax (number, required), or null)");
    }

    @Test
    void should_fail_after_one_repair_naming_the_item_when_a_list_item_has_a_wrong_type() {
        // given
        model.answers(request -> """
                {"supplier": {"name": "A"}, "invoice_number": "1", "total": 1,
                 "tax_lines": [{"rate": 20, "tax": 1}, {"rate": "twenty", "tax": 2}], "confidence": 0.9}""");

        // when
        StepOutcome outcome = extract(INVOICE_FIELDS, "Invoice 1");

        // then
        assertThat(outcome).isInstanceOfSatisfying(StepOutcome.Failed.class, failed -> {
            assertThat(failed.retriable()).isFalse();
            assertThat(failed.reason()).contains("for field 'tax_lines[1].rate', expected a number");
            assertThat(failed.calls()).hasSize(2);
        });
    }

    @Test
    void should_fail_naming_the_nested_field_when_a_required_field_of_an_object_is_missing() {
        // given
        model.answers(request -> """
                {"supplier": {"vat_id": "DE1"}, "invoice_number": "1", "total": 1, "tax_lines": [], "confidence": 0.9}""");

        // when
        StepOutcome outcome = extract(INVOICE_FIELDS, "Invoice 1");

        // then
        assertThat(outcome).isInstanceOfSatisfying(StepOutcome.Failed.class, failed ->
                assertThat(failed.reason()).contains("has no value for required field 'supplier.name'"));
    }

    @Test
    void should_report_objects_without_fields_and_fields_on_plain_types_when_the_options_are_checked() {
        // when
        List<String> problems = StepTestKit.check(new ExtractStepFactory(), """
                input: "{{ event.data.text }}"
                model: fast
                fields:
                  supplier: {type: object}
                  total: {type: number, fields: {amount: {type: number}}}
                  lines: {type: list, fields: {Rate: {type: number}, kind: {type: enum}}}
                """, environment).stream().map(problem -> problem.message("steps[0].extract")).toList();

        // then
        assertThat(problems).anySatisfy(message -> assertThat(message).contains("No fields at steps[0].extract.fields.supplier"));
        assertThat(problems).anySatisfy(message -> assertThat(message).contains("Unused option at steps[0].extract.fields.total.fields"));
        assertThat(problems).anySatisfy(message -> assertThat(message).contains("Invalid field name at steps[0].extract.fields.lines.fields.Rate"));
        assertThat(problems).anySatisfy(message -> assertThat(message).contains("Enum without values at steps[0].extract.fields.lines.fields.kind"));
    }

    @Test
    void should_keep_the_prompt_version_of_a_step_without_objects_or_lists() {
        // given a field as it was declared before objects and lists existed
        ExtractStepFactory.Field field = new ExtractStepFactory.Field("string", "The invoice number", true, null, null);

        // then its text, which the prompt version hashes, is the record's text without the new component
        assertThat(field.toString()).isEqualTo("Field[type=string, description=The invoice number, required=true, values=null]");
    }
}
