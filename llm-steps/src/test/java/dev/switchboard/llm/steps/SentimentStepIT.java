package dev.switchboard.llm.steps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.llm.ModelDefinition;
import dev.switchboard.llm.ModelRegistry;
import dev.switchboard.llm.sim.ModelSimulator;
import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepOutcome;
import dev.switchboard.schemas.testing.StepTestKit;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The sentiment step through the step test kit, against the OpenAI-compatible model simulator. */
class SentimentStepIT {

    // tag::kit[]
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

    private Step sentiment(String moreOptions) {
        return StepTestKit.create(new SentimentStepFactory(), "mood", """
                input: "{{ event.data.body }}"
                model: fast
                cache: "off"
                """ + moreOptions, environment);
    }

    private StepOutcome rate(Step step, String text) {
        return StepTestKit.run(step, StepTestKit.invocation().data("body", text).build());
    }
    // end::kit[]

    @ParameterizedTest(name = "score {0} is {1}")
    @CsvSource({"-0.8, negative", "-0.3, neutral", "0.1, neutral", "0.3, neutral", "0.7, positive"})
    void should_name_the_score_by_the_thresholds_when_the_model_answers(double score, String sentiment) {
        // given
        model.answers(request -> "{\"score\": " + score + ", \"confidence\": 0.9}");

        // when
        StepOutcome outcome = rate(sentiment(""), "The export works again, thank you!");

        // then
        assertThat(outcome).isInstanceOfSatisfying(StepOutcome.Completed.class, completed -> {
            assertThat(completed.output()).containsEntry("sentiment", sentiment).containsEntry("score", score)
                    .containsEntry("confidence", 0.9).containsEntry("model", "fast").containsKey("prompt_version");
            assertThat(completed.calls()).singleElement().satisfies(call -> assertThat(call.outcome()).isEqualTo("ok"));
        });
        assertThat(model.requests()).singleElement().satisfies(request ->
                assertThat(request.user()).contains("The export works again, thank you!"));
    }

    // tag::failures[]
    @Test
    void should_fail_permanently_after_one_repair_when_the_score_is_out_of_range() {
        // given
        model.answers(request -> "{\"score\": 4, \"confidence\": 0.9}");

        // when
        StepOutcome outcome = rate(sentiment(""), "Fine.");

        // then
        assertThat(outcome).isInstanceOfSatisfying(StepOutcome.Failed.class, failed -> {
            assertThat(failed.retriable()).isFalse();
            assertThat(failed.reason()).contains("has score 4, expected a number from -1 to 1");
            assertThat(failed.calls()).hasSize(2);
        });
    }

    @Test
    void should_fail_retriably_when_the_model_endpoint_is_down() {
        // given
        model.faultAlways(ModelSimulator.Fault.httpError(503));

        // when
        StepOutcome outcome = rate(sentiment(""), "Where is my refund?");

        // then
        assertThat(outcome).isInstanceOfSatisfying(StepOutcome.Failed.class, failed -> assertThat(failed.retriable()).isTrue());
    }
    // end::failures[]

    @Test
    void should_hold_the_event_for_review_when_the_model_is_less_sure_than_min_confidence() {
        // given
        model.answers(request -> "{\"score\": -0.9, \"confidence\": 0.4}");

        // when
        StepOutcome outcome = rate(sentiment("min_confidence: 0.6\n"), "I guess it is ok?");

        // then
        assertThat(outcome).isInstanceOfSatisfying(StepOutcome.Review.class, review ->
                assertThat(review.reason()).contains("below min_confidence 0.6"));
    }
}
