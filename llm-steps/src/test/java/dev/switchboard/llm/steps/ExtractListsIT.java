package dev.switchboard.llm.steps;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.llm.ModelDefinition;
import dev.switchboard.llm.ModelRegistry;
import dev.switchboard.llm.sim.ModelSimulator;
import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepOutcome;
import dev.switchboard.schemas.testing.StepTestKit;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** List fields of the extract step against the model simulator: the schema the model is asked for, and every answer checked. */
class ExtractListsIT {

    private static final String OPTIONS = """
            input: "{{ event.data.body }}"
            model: sim
            cache: "off"
            injection: "off"
            fields:
              key_points:
                type: list
                items: {type: string}
                max_items: 3
              next_steps:
                type: list
                required: true
                items:
                  type: object
                  fields:
                    owner: {type: string, required: true}
                    action: {type: string, required: true}
                    due: {type: date}
                    hours: {type: integer}
            """;

    @TempDir
    Path dir;

    /** Runs the step once over a model that gives these answers in turn. */
    private StepOutcome extract(ModelSimulator model, String... answers) {
        Deque<String> queue = new ArrayDeque<>(List.of(answers));
        model.answers(request -> queue.size() > 1 ? queue.poll() : queue.peek());
        try (ModelRegistry models = new ModelRegistry(Map.of("sim", ModelDefinition.builder().baseUrl(model.baseUrl()).model("sim").retries(0).build()))) {
            Step step = StepTestKit.create(new ExtractStepFactory(), "summary", OPTIONS, StepTestKit.environment().withBaseDir(dir).withService(models));
            return StepTestKit.run(step, StepTestKit.invocation().data("body", "Jordan sends the invite by Wednesday.").build());
        }
    }

    @Test
    void should_ask_for_lists_of_objects_and_give_them_as_maps_when_the_answer_is_valid() {
        try (ModelSimulator model = ModelSimulator.start()) {
            // when
            StepOutcome outcome = extract(model, """
                    {"key_points": ["4 users", "180 invoices a month"],
                     "next_steps": [{"owner": "Jordan Reyes", "action": "send a demo invite", "due": "2026-10-07", "hours": 2.0},
                                    {"owner": "Mara Lindqvist", "action": "share a sample export", "due": null, "hours": null}],
                     "confidence": 0.9}""");

            // then the model was asked for an array of objects with the declared fields
            JsonNode schema = model.requests().get(0).responseFormat().path("json_schema").path("schema").path("properties");
            assertThat(schema.path("next_steps").path("type").asText()).isEqualTo("array");
            assertThat(schema.path("next_steps").path("items").path("properties").fieldNames()).toIterable()
                    .containsExactly("owner", "action", "due", "hours");
            assertThat(schema.path("key_points").toString()).contains("\"array\"", "\"string\"");
            // and the output holds the lists as plain values, whole numbers as such, absent members as null
            assertThat(outcome).isInstanceOfSatisfying(StepOutcome.Completed.class, completed -> {
                assertThat(completed.output()).containsEntry("key_points", List.of("4 users", "180 invoices a month"));
                @SuppressWarnings("unchecked")
                List<Map<String, Object>> steps = (List<Map<String, Object>>) completed.output().get("next_steps");
                assertThat(steps).hasSize(2);
                assertThat(steps.get(0)).containsEntry("owner", "Jordan Reyes").containsEntry("due", "2026-10-07").containsEntry("hours", 2L);
                assertThat(steps.get(1)).containsEntry("due", null).containsEntry("hours", null);
            });
        }
    }

    @Test
    void should_show_the_model_its_error_then_take_the_repair_when_an_item_lacks_a_required_field() {
        try (ModelSimulator model = ModelSimulator.start()) {
            // when the first answer has a next step without its action, the second is whole
            StepOutcome outcome = extract(model,
                    "{\"key_points\": [], \"next_steps\": [{\"owner\": \"Jordan Reyes\", \"due\": \"2026-10-07\"}], \"confidence\": 0.9}",
                    "{\"key_points\": [], \"next_steps\": [{\"owner\": \"Jordan Reyes\", \"action\": \"send the invite\"}], \"confidence\": 0.9}");

            // then the repair turn named the field, and the repaired answer is the output
            assertThat(model.requests()).hasSize(2);
            assertThat(model.requests().get(1).body()).contains("has no value for required field 'next_steps[0].action'");
            assertThat(outcome).isInstanceOfSatisfying(StepOutcome.Completed.class, completed ->
                    assertThat(completed.output().get("next_steps")).asList().hasSize(1));
        }
    }

    @Test
    void should_fail_for_good_when_every_answer_breaks_the_list_rules() {
        try (ModelSimulator model = ModelSimulator.start()) {
            // when a list is longer than max_items, then an item has a date that is no date
            StepOutcome outcome = extract(model,
                    "{\"key_points\": [\"a\", \"b\", \"c\", \"d\"], \"next_steps\": [], \"confidence\": 0.9}",
                    "{\"key_points\": [], \"next_steps\": [{\"owner\": \"A\", \"action\": \"x\", \"due\": \"next week\"}], \"confidence\": 0.9}");

            // then
            assertThat(model.requests().get(1).body()).contains("has 4 items in list 'key_points', expected at most 3");
            assertThat(outcome).isInstanceOfSatisfying(StepOutcome.Failed.class, failed -> {
                assertThat(failed.retriable()).isFalse();
                assertThat(failed.reason()).contains("for field 'next_steps[0].due', expected a date YYYY-MM-DD");
            });
        }
    }
}
