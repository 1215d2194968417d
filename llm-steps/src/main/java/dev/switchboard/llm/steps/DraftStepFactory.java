package dev.switchboard.llm.steps;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.llm.steps.internal.ChatStepOptions;
import dev.switchboard.llm.steps.internal.KnowledgeBase;
import dev.switchboard.llm.steps.internal.ModelStep;
import dev.switchboard.llm.steps.internal.ModelStepFactory;
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
 * check that the knowledge base has articles. The articles are embedded when the step is created, and again
 * as they change.
 */
public final class DraftStepFactory extends ModelStepFactory<DraftStepFactory.Options> {

    @Documentation(name = "draft", summary = "Drafts a reply grounded in a folder of Markdown articles, citing the articles it used.",
            description = """
                    Output: `draft`; `citations`, the ids of the articles the draft uses, each one of those retrieved; \
                    `confidence`, how sure the model is that the draft answers the message completely with no action by \
                    staff (0 to 1); `cited_score`, the best similarity among the cited articles (0 when none is cited); \
                    `articles`, the retrieved ones (`id`, `title`, `score`), and `max_score`, the best of their scores \
                    (0 when none was found); `pii`, the kinds of personal data found in the input (`email`, `phone`, \
                    `iban`, `card`, `name`), so that a policy can keep such tickets from automatic replies; `model`, \
                    `prompt_id` and `prompt_version` (which includes a hash of the articles).

                    Articles are the `*.md` files of `knowledge_base` (its `README.md` excepted); an article's id is its \
                    file name without `.md`. A file that is not UTF-8 is read as windows-1252 (or UTF-16 with a byte-order \
                    mark), and only the first 256 KiB of a file is read; both are reported as warnings. The folder is \
                    looked at before each batch: articles added, changed or removed are taken in at once, and the \
                    prompt version changes with them. A draft that is empty, too long, without a confidence, or that cites an \
                    article that was not retrieved is invalid: the model is shown its error once, then \
                    the chain moves on. With `fallback`, a strict template stands in where no model gave a usable \
                    draft (the chain failed or the budget is spent): its output has `fallback: true`, the \
                    `fallback_reason`, `model: template`, and confidence and scores of 0. Needs a chat model.""")
    @Example(title = "A payment reminder in the house tone, or a strict template when no model can write it", yaml = """
            id: reminder
            draft:
              input: "Invoice {{ event.data.invoice_number }} of {{ event.data.currency }} {{ event.data.outstanding }}, due {{ event.data.due_date }}, is {{ event.data.days_overdue }} days overdue. Stage: {{ event.data.stage }}."
              knowledge_base: kb/collections
              model: fast
              top_k: 2
              max_words: 140
              instructions: Write the reminder for this stage of the ladder, in the tone guide's words for it.
              fallback: "Invoice {{ event.data.invoice_number }} ({{ event.data.currency }} {{ event.data.outstanding }}) was due on {{ event.data.due_date }}. Please pay it or tell us when you will."
            """)
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
            @OptionGroup ModelOptions.ChatModel chat,
            @Option(description = "How many articles are retrieved and shown to the model.", defaultValue = "3", minimum = 1, maximum = 20)
            @JsonProperty("top_k") Integer topK,
            @Option(description = "Articles less similar than this (cosine, 0 to 1) are not retrieved.", defaultValue = "0.2", minimum = 0, maximum = 1)
            @JsonProperty("min_score") Double minScore,
            @Option(description = "The most characters of one article shown to the model; of a longer article, the passages most similar to the message are shown.",
                    defaultValue = "6000", minimum = 200, maximum = 100000)
            @JsonProperty("article_chars") Integer articleChars,
            @Option(description = "The most words the draft may have.", defaultValue = "200", minimum = 1, maximum = 2000)
            @JsonProperty("max_words") Integer maxWords,
            @Option(description = "Tone and house rules for the draft.")
            String instructions,
            @Option(description = "A strict template used as the draft when no model gives one: every model of the chain failed or "
                    + "answered invalidly, or the workflow's budget is spent and its fallback model cannot draft. The output then has "
                    + "`fallback: true`, `fallback_reason` and no citations, and the event goes on. Without it such an event fails or is "
                    + "held for review as for any model step. Input the guardrails stop (prompt injection under `review` or `block`, "
                    + "an empty input) is never drafted by the template.", template = true)
            String fallback,
            @OptionGroup ModelOptions.Message modelOptions) implements ChatStepOptions {
    }

    @Override
    protected List<OptionProblem> checkOwn(Options options, StepEnvironment environment) {
        try {
            KnowledgeBase.Scan scan = KnowledgeBase.scan(environment.baseDir().resolve(options.knowledgeBase()));
            return scan.warnings().stream().map(warning -> OptionProblem.at("knowledge_base", "Unusual article file")
                    .got(options.knowledgeBase()).fix(warning).warning()).toList();
        } catch (IOException e) {
            return List.of(OptionProblem.at("knowledge_base", "No articles").got(options.knowledgeBase())
                    .expected("a folder of *.md files relative to the workflow file").fix("Reading it failed: " + FileErrors.describe(e)));
        }
    }

    /** {@code draft}, the ids it cites, the articles retrieved for it, and what a policy weighs: scores, confidence, personal data. */
    @Override
    protected Map<String, ValueType> outputFields(Options options, StepEnvironment environment) {
        Map<String, ValueType> fields = new java.util.LinkedHashMap<>(Map.of("draft", ValueType.text(), "citations", ValueType.list(ValueType.text()),
                "articles", ValueType.list(ValueType.object(Map.of("id", ValueType.text(), "title", ValueType.text(), "score", ValueType.number()))),
                "confidence", ValueType.number(), "cited_score", ValueType.number(), "max_score", ValueType.number(),
                "pii", ValueType.list(ValueType.text(List.of("email", "phone", "iban", "card", "name")))));
        if (options.fallback() != null) {
            fields.put("fallback", ValueType.bool());
            fields.put("fallback_reason", ValueType.text());
        }
        return fields;
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
