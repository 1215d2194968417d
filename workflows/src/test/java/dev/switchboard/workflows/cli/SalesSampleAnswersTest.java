package dev.switchboard.workflows.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.llm.sim.ModelSimulator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The sample's answers as the simulator gives them: found by what the prompt holds, in the shape each step asks for. */
class SalesSampleAnswersTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ModelSimulator.Request request(String property, String system, String... users) {
        JsonNode format = JSON.createObjectNode().set("json_schema", JSON.createObjectNode().set("schema",
                JSON.createObjectNode().set("properties", JSON.createObjectNode().set(property, JSON.createObjectNode()))));
        List<ModelSimulator.Message> messages = new ArrayList<>(List.of(new ModelSimulator.Message("system", system)));
        for (String user : users) {
            messages.add(new ModelSimulator.Message("user", user));
        }
        return new ModelSimulator.Request("/v1/chat/completions", "m", messages, null, format, null, "", 0);
    }

    @Test
    void should_answer_a_calls_summary_by_its_title_when_the_call_id_is_masked_and_a_repair_turn_comes_last() throws Exception {
        // given
        SalesSampleAnswers answers = SalesSampleAnswers.from(Path.of("examples/data"), 0.9);

        // when
        JsonNode summary = JSON.readTree(answers.apply(request("next_steps", "You extract fields",
                "<text>\nCall call-[PHONE_1]: Discovery call: Kettle & Co. / Northwind Cloud, ...\n</text>", "That answer is invalid: ...")));

        // then
        assertThat(summary.path("next_steps")).isEqualTo(answers.expectedCall("call-2026-0001").path("next_steps"));
        assertThat(summary.path("sentiment").asText()).isEqualTo("positive");
        assertThat(summary.path("note").asText()).contains("Next step: Jordan Reyes to send a tailored demo invite");
    }

    @Test
    void should_cite_only_articles_the_prompt_offered_when_drafting_the_email() throws Exception {
        // given the playbook articles retrieved for the call, one the sample expects and one it does not
        SalesSampleAnswers answers = SalesSampleAnswers.from(Path.of("examples/data"), 0.9);
        String system = "Articles:\n<article id=\"pricing-and-discounts\">...</article>\n<article id=\"objection-timing\">...</article>\n";

        // when
        JsonNode email = JSON.readTree(answers.apply(request("draft", system, "<text>\nCall x: Discovery call: Kettle & Co. / Northwind Cloud\n</text>")));

        // then
        assertThat(email.path("citations")).extracting(JsonNode::asText).containsExactly("objection-timing");
        assertThat(email.path("draft").asText()).startsWith("Hi Mara,").contains("Jordan Reyes will send a tailored demo invite");
    }

    @Test
    void should_score_a_lead_within_the_range_with_at_most_three_reasons_when_the_rubric_adds_up_below_zero() throws Exception {
        // given
        SalesSampleAnswers answers = SalesSampleAnswers.from(Path.of("examples/data"), 0.9);
        String lead = JSON.readTree(Files.readAllLines(Path.of("examples/data/leads.jsonl")).get(50)).path("data").path("lead_id").asText();

        // when nwc-lead-051, whose rubric sum is -5
        JsonNode score = JSON.readTree(answers.apply(request("score", "You score", "<text>\nLead " + lead + ": ...\n</text>")));

        // then
        assertThat(score.path("score").asInt()).isZero();
        assertThat(score.path("reasons")).hasSizeBetween(1, 3);
        assertThat(score.path("confidence").asDouble()).isEqualTo(0.9);
    }
}
