package dev.switchboard.llm.steps;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.llm.steps.internal.KnowledgeBase;
import dev.switchboard.llm.steps.internal.ModelStep;
import dev.switchboard.llm.steps.internal.ModelStepFactory;
import dev.switchboard.llm.steps.internal.ModelStepOptions;
import dev.switchboard.schemas.files.FileErrors;
import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.options.Example;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.options.OptionGroup;
import dev.switchboard.schemas.options.OptionProblem;
import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepEnvironment;
import dev.switchboard.schemas.types.ValueType;
import java.io.IOException;
import java.util.List;
import java.util.Map;

/**
 * Makes {@link DraftStep}s: their options (the knowledge base, retrieval and length), examples and the
 * check that the knowledge base has articles. The articles are embedded once, when the step is created.
 */
public final class DraftStepFactory extends ModelStepFactory<DraftStepFactory.Options> {

    @Documentation(name = "draft", summary = "Drafts a reply grounded in a folder of Markdown articles, citing the articles it used.",
            description = """
                    Output: `draft`, `citations` (ids of the articles the draft uses, each one of those retrieved), \
                    `articles` (the retrieved ones: `id`, `title`, `score`), `model`, `prompt_id` and `prompt_version` \
                    (which includes a hash of the articles). Articles are the `*.md` files of `knowledge_base`; an \
                    article's id is its file name without `.md`. A draft that is empty, too long, cites nothing while \
                    articles were found, or cites an article that was not retrieved is invalid: the model is shown its \
                    error once, then the chain moves on. Needs a chat model.""")
    @Example(title = "A reply from the help-center articles", yaml = """
            id: reply
            draft:
              input: "{{ event.data.subject }}\\n\\n{{ event.data.body }}"
              knowledge_base: kb/help-center
              model: fast
              top_k: 3
              max_words: 150
              instructions: Be brief and friendly; address the customer by name when the message gives it.
            """)
    public record Options(
            @Option(description = "The message to answer: a template over `event` and earlier `steps`.", required = true, template = true)
            String input,
            @Option(description = "A folder of Markdown articles, relative to the workflow file.", required = true, file = true)
            @JsonProperty("knowledge_base") String knowledgeBase,
            @Option(description = ModelOptions.MODEL, required = true)
            String model,
            @Option(description = "How many articles are retrieved and shown to the model.", defaultValue = "3", minimum = 1, maximum = 20)
            @JsonProperty("top_k") Integer topK,
            @Option(description = "Articles less similar than this (cosine, 0 to 1) are not retrieved.", defaultValue = "0.2", minimum = 0, maximum = 1)
            @JsonProperty("min_score") Double minScore,
            @Option(description = "The most words the draft may have.", defaultValue = "200", minimum = 1, maximum = 2000)
            @JsonProperty("max_words") Integer maxWords,
            @Option(description = "Tone and house rules for the draft.")
            String instructions,
            @Option(description = ModelOptions.PROMPT_FILE, file = true)
            @JsonProperty("prompt_file") String promptFile,
            @OptionGroup ModelOptions.Message modelOptions) implements ModelStepOptions {
    }

    @Override
    protected List<OptionProblem> checkOwn(Options options, StepEnvironment environment) {
        try {
            KnowledgeBase.read(environment.baseDir().resolve(options.knowledgeBase()));
            return List.of();
        } catch (IOException e) {
            return List.of(OptionProblem.at("knowledge_base", "No articles").got(options.knowledgeBase())
                    .expected("a folder of *.md files relative to the workflow file").fix("Reading it failed: " + FileErrors.describe(e)));
        }
    }

    /** {@code draft}, the ids it cites, and the articles retrieved for it. */
    @Override
    protected Map<String, ValueType> outputFields(Options options, StepEnvironment environment) {
        return Map.of("draft", ValueType.text(), "citations", ValueType.list(ValueType.text()),
                "articles", ValueType.list(ValueType.object(Map.of("id", ValueType.text(), "title", ValueType.text(), "score", ValueType.number()))));
    }

    @Override
    protected Step create(ModelStep.Setup setup, Options options, StepEnvironment environment) {
        try {
            return new DraftStep(setup, options,
                    KnowledgeBase.load(environment.baseDir().resolve(options.knowledgeBase()), setup.models().embeddingModel()),
                    prompt("draft.system", options, environment));
        } catch (IOException e) {
            throw new IllegalStateException("Cannot read knowledge_base " + options.knowledgeBase() + ": " + FileErrors.describe(e), e);
        }
    }
}
