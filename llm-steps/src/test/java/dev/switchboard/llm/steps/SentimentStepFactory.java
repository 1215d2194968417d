package dev.switchboard.llm.steps;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.llm.steps.internal.ModelStep;
import dev.switchboard.llm.steps.internal.ModelStepFactory;
import dev.switchboard.llm.steps.internal.ModelStepOptions;
import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.options.Example;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.options.OptionGroup;
import dev.switchboard.schemas.options.OptionProblem;
import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepEnvironment;
import dev.switchboard.schemas.types.ValueType;
import java.util.List;
import java.util.Map;

/**
 * Makes {@link SentimentStep}s: their options, examples, and the check the declared bounds cannot make. The
 * example of {@code docs/adding-a-step.md}.
 */
public final class SentimentStepFactory extends ModelStepFactory<SentimentStepFactory.Options> {

    @Documentation(name = "sentiment",
            summary = "Rates how a text feels, from -1 (angry) to 1 (delighted), and names it negative, neutral or positive.",
            description = """
                    Output: `sentiment` (`negative`, `neutral` or `positive`, named from the score by the two \
                    thresholds), `score` (-1 to 1), `confidence`, `model`, `prompt_id` and `prompt_version`. A score \
                    outside -1..1 is invalid: the model is shown its error once, then the chain moves on. Needs a chat model.""")
    @Example(title = "Unhappy customers first", yaml = """
            id: mood
            sentiment:
              input: "{{ event.data.body }}"
              model: fast
              negative_below: -0.4
              min_confidence: 0.6
            """)
    public record Options(
            @Option(description = "The text to rate: a template over `event` and earlier `steps`.", required = true, template = true)
            String input,
            @Option(description = ModelOptions.MODEL, required = true)
            String model,
            @Option(description = "Scores below this are `negative`.", defaultValue = "-0.3", minimum = -1, maximum = 1)
            @JsonProperty("negative_below") Double negativeBelow,
            @Option(description = "Scores above this are `positive`; scores between the two thresholds are `neutral`.",
                    defaultValue = "0.3", minimum = -1, maximum = 1)
            @JsonProperty("positive_above") Double positiveAbove,
            @OptionGroup ModelOptions.ScoredMessage modelOptions) implements ModelStepOptions {
    }

    @Override
    protected List<OptionProblem> checkOwn(Options options, StepEnvironment environment) {
        if (options.negativeBelow() < options.positiveAbove()) {
            return List.of();
        }
        return List.of(OptionProblem.at("negative_below", "Thresholds overlap").got(options.negativeBelow())
                .expected("less than positive_above (" + options.positiveAbove() + ")")
                .fix("Lower negative_below or raise positive_above"));
    }

    @Override
    protected Map<String, ValueType> outputFields(Options options, StepEnvironment environment) {
        return Map.of("sentiment", ValueType.text(List.of("negative", "neutral", "positive")), "score", ValueType.number(),
                "confidence", ValueType.number());
    }

    @Override
    protected Step create(ModelStep.Setup setup, Options options, StepEnvironment environment) {
        return new SentimentStep(setup, options);
    }
}
