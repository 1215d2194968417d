package dev.switchboard.llm.steps;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.llm.ModelDefinition;
import dev.switchboard.llm.ModelRegistry;
import dev.switchboard.llm.sim.ModelSimulator;
import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepOutcome;
import dev.switchboard.schemas.testing.StepTestKit;
import dev.switchboard.schemas.types.ValueType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The draft step through the step test kit, against the OpenAI-compatible model simulator, over a small
 * help centre: what it retrieves and shows the model, the grounding it reports, the citations it refuses,
 * and a knowledge base that changes between batches.
 */
class DraftStepIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD_QUESTION = "I forgot my password and the reset email never arrives. Mail me at mara@kettle.example.com";

    @TempDir
    Path dir;

    private ModelSimulator model;
    private ModelRegistry models;
    private StepTestKit.Environment environment;

    @BeforeEach
    void start() throws IOException {
        Path kb = Files.createDirectories(dir.resolve("kb"));
        Files.writeString(kb.resolve("account-password-reset.md"), """
                # Reset your password

                Click "Forgot password" on the sign-in page and enter your email address. The reset link arrives within \
                a few minutes and expires after one hour. Check your spam folder if the email does not arrive.
                """);
        Files.writeString(kb.resolve("billing-refunds.md"), """
                # Refunds and duplicate charges

                When a card is charged twice for the same invoice, the duplicate charge is refunded automatically within \
                five business days. Refunds go back to the card that paid.
                """);
        Files.writeString(kb.resolve("card-reader-shipping.md"), """
                # Shipping the card reader

                Card readers ship within two business days. Delivery takes three to five days in the US, UK, France and \
                Germany. You receive a tracking number by email when the parcel leaves.
                """);
        model = ModelSimulator.start();
        models = new ModelRegistry(Map.of("fast", ModelDefinition.builder().baseUrl(model.baseUrl()).model("sim").retries(0).build()));
        environment = StepTestKit.environment().withService(models).withBaseDir(dir);
    }

    @AfterEach
    void stop() {
        models.close();
        model.close();
    }

    private Step draft(String moreOptions) {
        return StepTestKit.create(new DraftStepFactory(), "reply", """
                input: "{{ event.data.body }}"
                knowledge_base: kb
                model: fast
                cache: "off"
                """ + moreOptions, environment);
    }

    private static String answer(String draft, List<String> citations, double confidence) throws IOException {
        return JSON.writeValueAsString(Map.of("draft", draft, "citations", citations, "confidence", confidence));
    }

    @Test
    void should_report_the_draft_with_its_grounding_when_the_model_cites_a_retrieved_article() throws IOException {
        // given
        String reply = answer("Please use Forgot password on the sign-in page; the link arrives within minutes.",
                List.of("account-password-reset"), 0.86);
        model.answers(request -> reply);

        // when
        StepOutcome outcome = StepTestKit.run(draft("top_k: 2\nmin_score: 0\n"), StepTestKit.invocation().data("body", PASSWORD_QUESTION).build());

        // then the output carries the scores a policy reads, and the personal data the message holds
        assertThat(outcome).isInstanceOfSatisfying(StepOutcome.Completed.class, completed -> {
            Map<String, Object> output = completed.output();
            assertThat(output).containsEntry("citations", List.of("account-password-reset")).containsEntry("confidence", 0.86)
                    .containsEntry("pii", List.of("email")).containsKeys("draft", "prompt_version");
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> articles = (List<Map<String, Object>>) output.get("articles");
            assertThat(articles).hasSize(2).first().satisfies(article -> assertThat(article).containsEntry("id", "account-password-reset"));
            assertThat(output.get("max_score")).isEqualTo(articles.get(0).get("score"));
            assertThat(output.get("cited_score")).isEqualTo(articles.get(0).get("score"));
            assertThat((double) output.get("max_score")).isGreaterThan((double) articles.get(1).get("score"));
            // every field is declared, so that a workflow's conditions on it are checked when it loads
            DraftStepFactory factory = new DraftStepFactory();
            ValueType.ObjectOf declared = (ValueType.ObjectOf) factory.outputs(
                    StepTestKit.options(factory.optionsType(), "input: x\nknowledge_base: kb\nmodel: fast\n"), environment);
            assertThat(declared.fields()).containsKeys(output.keySet().toArray(String[]::new));
        });
        // and the model saw the retrieved articles, not the message's email address
        assertThat(model.requests()).singleElement().satisfies(request -> {
            assertThat(request.system()).contains("<article id=\"account-password-reset\">", "expires after one hour")
                    .doesNotContain("card-reader-shipping");
            assertThat(request.user()).contains("[EMAIL_1]").doesNotContain("mara@kettle.example.com");
        });
    }

    @Test
    void should_fail_permanently_after_one_repair_when_the_draft_cites_an_article_that_was_not_retrieved() throws IOException {
        // given a model that insists on an article outside the one retrieved
        String reply = answer("Your duplicate charge will be refunded.", List.of("billing-refunds"), 0.9);
        model.answers(request -> reply);

        // when
        StepOutcome outcome = StepTestKit.run(draft("top_k: 1\n"), StepTestKit.invocation().data("body", PASSWORD_QUESTION).build());

        // then
        assertThat(outcome).isInstanceOfSatisfying(StepOutcome.Failed.class, failed -> {
            assertThat(failed.retriable()).isFalse();
            assertThat(failed.reason()).contains("cites 'billing-refunds', which was not retrieved; expected ids from [account-password-reset]");
            assertThat(failed.calls()).hasSize(2);
        });
        assertThat(model.requests()).hasSize(2).last().satisfies(repair -> assertThat(repair.user())
                .contains("That answer is invalid: cites 'billing-refunds', which was not retrieved"));
    }

    @Test
    void should_accept_a_draft_that_cites_nothing_when_no_article_is_similar_enough() throws IOException {
        // given
        String reply = answer("Thanks for your message: a colleague will follow up shortly.", List.of(), 0.2);
        model.answers(request -> reply);

        // when
        StepOutcome outcome = StepTestKit.run(draft("min_score: 0.95\n"),
                StepTestKit.invocation().data("body", "Do you offer payroll for our staff?").build());

        // then
        assertThat(outcome).isInstanceOfSatisfying(StepOutcome.Completed.class, completed -> assertThat(completed.output())
                .containsEntry("citations", List.of()).containsEntry("articles", List.of())
                .containsEntry("max_score", 0.0).containsEntry("cited_score", 0.0).containsEntry("pii", List.of()));
        assertThat(model.requests()).singleElement().satisfies(request -> assertThat(request.system()).contains("Articles:\n(none found)"));
    }

    @Test
    void should_accept_a_hand_over_that_cites_none_of_the_articles_retrieved() throws IOException {
        // given articles that do not answer, and a model that hands over as the prompt asks
        String reply = answer("Thanks for your message: a colleague will follow up shortly.", List.of(), 0.3);
        model.answers(request -> reply);

        // when
        StepOutcome outcome = StepTestKit.run(draft("min_score: 0\n"),
                StepTestKit.invocation().data("body", "Can we run payroll for our staff through the card reader?").build());

        // then
        assertThat(outcome).isInstanceOfSatisfying(StepOutcome.Completed.class, completed -> {
            assertThat(completed.output()).containsEntry("citations", List.of()).containsEntry("cited_score", 0.0);
            assertThat((double) completed.output().get("max_score")).isGreaterThan(0.0);
        });
    }

    @Test
    void should_draft_from_the_changed_articles_under_a_new_prompt_version_when_the_folder_changes_between_batches() throws IOException {
        // given a step that has drafted once, and a model that cites whatever it was shown first
        model.answers(request -> {
            String shown = request.system().replaceAll("(?s).*?<article id=\"([^\"]+)\">.*", "$1");
            return "{\"draft\": \"See the article.\", \"citations\": [\"" + shown + "\"], \"confidence\": 0.8}";
        });
        Step step = draft("top_k: 1\nmin_score: 0\n");
        String question = "How do I export a report to CSV?";
        StepOutcome before = StepTestKit.run(step, StepTestKit.invocation().eventId("evt-1").data("body", question).build());

        // when an article that answers is added, and the next batch comes
        Files.writeString(dir.resolve("kb/howto-export-csv.md"), "# Export a report to CSV\n\nOpen Reports, choose the report, "
                + "click Export and pick CSV. The file downloads at once.\n");
        StepOutcome after = StepTestKit.run(step, StepTestKit.invocation().eventId("evt-2").data("body", question).build());

        // then
        Map<String, Object> first = ((StepOutcome.Completed) before).output();
        Map<String, Object> second = ((StepOutcome.Completed) after).output();
        assertThat(first.get("citations")).isNotEqualTo(List.of("howto-export-csv"));
        assertThat(second).containsEntry("citations", List.of("howto-export-csv"));
        assertThat(second.get("prompt_version")).isNotEqualTo(first.get("prompt_version"));
        assertThat(model.requests()).last().satisfies(request -> assertThat(request.system()).contains("pick CSV"));
    }
}
