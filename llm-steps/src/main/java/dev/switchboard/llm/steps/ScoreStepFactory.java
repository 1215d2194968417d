package dev.switchboard.llm.steps;

import dev.switchboard.llm.steps.internal.ChatStepOptions;
import dev.switchboard.llm.steps.internal.ModelStep;
import dev.switchboard.llm.steps.internal.ModelStepFactory;
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

/** Makes {@link ScoreStep}s: their options (the range and the rubric), examples and checks. */
public final class ScoreStepFactory extends ModelStepFactory<ScoreStepFactory.Options> {

    @Documentation(name = "score", summary = "Scores the event on a declared range by a rubric, with short reasons.",
            description = """
                    Output: `score` (within `min`..`max`; whole numbers when `integer`), `reasons` (one to three \
                    short texts), `confidence`, `model`, `prompt_id` and `prompt_version`. A score outside the range, \
                    or reasons missing or too long, make the answer invalid: the model is shown its error once, then \
                    the chain moves on. Needs a chat model.""")
    @Example(title = "Lead score from 0 to 100", yaml = """
            id: lead-score
            score:
              input: "{{ event.data.company }}: {{ event.data.message }}"
              model: fast
              min: 0
              max: 100
              integer: true
              rubric: |
                90-100: a named budget and a timeline this quarter
                50-89: a clear need, no budget yet
                0-49: students, job seekers, vendors, spam
              min_confidence: 0.6
            """)
    public record Options(
            @Option(description = "The text to score: a template over `event` and earlier `steps`.", required = true, template = true)
            String input,
            @Option(description = "How to score: what each part of the range means.", required = true)
            String rubric,
            @Option(description = "The lowest score.", defaultValue = "0")
            Double min,
            @Option(description = "The highest score.", defaultValue = "10")
            Double max,
            @Option(description = "Whole-number scores only.", defaultValue = "false")
            Boolean integer,
            @OptionGroup ModelOptions.ChatModel chat,
            @OptionGroup ModelOptions.ScoredMessage modelOptions) implements ChatStepOptions {
    }

    @Override
    protected List<OptionProblem> checkOwn(Options options, StepEnvironment environment) {
        if (options.min() >= options.max()) {
            return List.of(OptionProblem.at("max", "Empty range").got(ScoreStep.number(options.max()))
                    .expected("a number above min " + ScoreStep.number(options.min())));
        }
        return List.of();
    }

    /** {@code score} (whole when {@code integer}), {@code reasons} and {@code confidence}. */
    @Override
    protected Map<String, ValueType> outputFields(Options options, StepEnvironment environment) {
        return Map.of("score", Boolean.TRUE.equals(options.integer()) ? ValueType.integer() : ValueType.number(),
                "reasons", ValueType.list(ValueType.text()), "confidence", ValueType.number());
    }

    @Override
    protected Step create(ModelStep.Setup setup, Options options, StepEnvironment environment) {
        return new ScoreStep(setup, options, prompt("score.system", options, environment));
    }
}
