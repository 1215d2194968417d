package dev.switchboard.llm.steps;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.llm.steps.internal.ChatStepOptions;
import dev.switchboard.llm.steps.internal.ModelStep;
import dev.switchboard.llm.steps.internal.ModelStepFactory;
import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.options.Example;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.options.OptionGroup;
import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepEnvironment;
import dev.switchboard.schemas.types.ValueType;
import java.util.Map;

/** Makes {@link SummarizeStep}s: their options (the bounds and the focus) and examples. */
public final class SummarizeStepFactory extends ModelStepFactory<SummarizeStepFactory.Options> {

    @Documentation(name = "summarize", summary = "Summarizes text within a word and character bound.",
            description = """
                    Output: `summary`, `words`, `model`, `prompt_id` and `prompt_version`. A summary that is empty or \
                    longer than `max_words` words or `max_chars` characters is invalid: the model is shown its error \
                    once, then the chain moves on. Needs a chat model.""")
    @Example(title = "Call notes in 60 words", yaml = """
            id: notes
            summarize:
              input: "{{ event.data.transcript }}"
              model: fast
              max_words: 60
              max_chars: 400
              focus: What the customer wants and what was promised
            """)
    public record Options(
            @Option(description = "The text to summarize: a template over `event` and earlier `steps`.", required = true, template = true)
            String input,
            @Option(description = "The most words the summary may have.", defaultValue = "80", minimum = 1, maximum = 2000)
            @JsonProperty("max_words") Integer maxWords,
            @Option(description = "The most characters the summary may have; unset means bounded by words only.", minimum = 1, maximum = 20000)
            @JsonProperty("max_chars") Integer maxChars,
            @Option(description = "What the summary should keep, e.g. `decisions and next steps`.")
            String focus,
            @OptionGroup ModelOptions.ChatModel chat,
            @OptionGroup ModelOptions.Transcript modelOptions) implements ChatStepOptions {
    }

    /** {@code summary} and its length in {@code words}. */
    @Override
    protected Map<String, ValueType> outputFields(Options options, StepEnvironment environment) {
        return Map.of("summary", ValueType.text(), "words", ValueType.integer());
    }

    @Override
    protected Step create(ModelStep.Setup setup, Options options, StepEnvironment environment) {
        return new SummarizeStep(setup, options, prompt("summarize.system", options, environment));
    }
}
