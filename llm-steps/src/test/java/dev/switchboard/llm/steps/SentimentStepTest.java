package dev.switchboard.llm.steps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.llm.ModelDefinition;
import dev.switchboard.llm.ModelRegistry;
import dev.switchboard.schemas.options.OptionProblem;
import dev.switchboard.schemas.testing.StepTestKit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The sentiment step's options, as the loader binds and checks them: one snippet per rule, with its path and message. */
class SentimentStepTest {

    private final ModelRegistry models = new ModelRegistry(
            Map.of("fast", ModelDefinition.builder().baseUrl("http://127.0.0.1:9/v1").model("m").build()));
    private final StepTestKit.Environment environment = StepTestKit.environment().withService(models);

    @AfterEach
    void close() {
        models.close();
    }

    @Test
    void should_apply_the_declared_defaults_when_options_leave_them_out() {
        // when
        SentimentStepFactory.Options options = StepTestKit.options(SentimentStepFactory.Options.class, """
                input: "{{ event.data.body }}"
                model: fast
                """);

        // then the step's own defaults and those of its model option group
        assertThat(options.negativeBelow()).isEqualTo(-0.3);
        assertThat(options.positiveAbove()).isEqualTo(0.3);
        assertThat(options.modelOptions().maxInputChars()).isEqualTo(4000);
        assertThat(options.modelOptions().guards().cache()).isEqualTo("workflow");
        assertThat(options.modelOptions().minConfidence()).isNull();
    }

    @Test
    void should_find_no_problem_when_the_options_are_valid() {
        assertThat(StepTestKit.check(new SentimentStepFactory(), "input: x\nmodel: fast\nnegative_below: -0.5", environment)).isEmpty();
    }

    // tag::check[]
    @Test
    void should_report_the_threshold_at_its_path_when_the_thresholds_overlap() {
        // when
        List<OptionProblem> problems = StepTestKit.check(new SentimentStepFactory(), """
                input: x
                model: fast
                negative_below: 0.5
                positive_above: 0.2
                """, environment);

        // then
        assertThat(problems).singleElement().satisfies(problem -> {
            assertThat(problem.path()).isEqualTo("negative_below");
            assertThat(problem).asString().isEqualTo("Thresholds overlap at negative_below: got '0.5', "
                    + "expected less than positive_above (0.2). Lower negative_below or raise positive_above");
        });
    }
    // end::check[]

    @Test
    void should_report_the_model_at_its_path_when_it_is_not_configured() {
        // when
        List<OptionProblem> problems = StepTestKit.check(new SentimentStepFactory(), "input: x\nmodel: gpt-5", environment);

        // then
        assertThat(problems).singleElement().satisfies(problem -> assertThat(problem.path()).isEqualTo("model"))
                .asString().startsWith("Unknown model at model: got 'gpt-5'");
    }
}
