package dev.switchboard.llm.steps;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonNumberSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import dev.switchboard.llm.guard.PiiMasker;
import dev.switchboard.llm.steps.internal.KnowledgeBase;
import dev.switchboard.llm.steps.internal.ModelStep;
import dev.switchboard.llm.steps.internal.PromptTemplate;
import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepInvocation;
import dev.switchboard.schemas.spi.StepOutcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A reply draft grounded in a knowledge base: the articles most similar to the event's text are
 * retrieved in-process (all-MiniLM-L6-v2), given to the model, and the draft must cite the ids of
 * the articles it used, and only articles that were retrieved. The output says how well the draft is
 * grounded (the scores of what was retrieved and cited, the model's confidence) and what personal data
 * the message holds, so that a workflow's policy can decide whether it may go out by itself. The
 * knowledge base is looked at again before each batch.
 */
public final class DraftStep extends ModelStep implements Step {

    private final DraftStepFactory.Options options;
    private final KnowledgeBase kb;
    private final JsonObjectSchema schema;
    private final PiiMasker pii = new PiiMasker();
    /** The articles retrieved for an event's call, by event source and id, for its output. */
    private final Map<String, List<KnowledgeBase.Hit>> retrieved = new ConcurrentHashMap<>();

    DraftStep(Setup setup, DraftStepFactory.Options options, KnowledgeBase kb, PromptTemplate template) {
        super(setup, template, fingerprint(template, options, kb));
        this.options = options;
        this.kb = kb;
        this.schema = schema()
                .addProperty("draft", JsonStringSchema.builder().build())
                .addProperty("citations", JsonArraySchema.builder().items(JsonStringSchema.builder().build()).build())
                .addProperty("confidence", JsonNumberSchema.builder().description("from 0 to 1").build())
                .required("draft", "citations", "confidence")
                .build();
    }

    private static String fingerprint(PromptTemplate template, DraftStepFactory.Options options, KnowledgeBase kb) {
        return template.text() + "\0" + options.instructions() + "\0" + options.maxWords() + "\0" + options.topK() + "\0"
                + options.minScore() + "\0" + options.articleChars() + "\0" + kb.fingerprint();
    }

    /**
     * The model's drafts, and the strict template where no model gave one (its calls still accounted; a template's
     * confidence and scores are 0, so no policy sends it on its own):
     * when the step asked a model and got nothing usable, or the budget is spent and its fallback model
     * cannot draft. An outcome the guardrails decided before any model was asked stays as it is.
     */
    @Override
    public List<StepOutcome> run(List<StepInvocation> batch) {
        if (kb.refresh()) {
            // the knowledge base changed since the last batch: the prompt version follows the articles
            promptChanged(fingerprint(promptTemplate(), options, kb));
        }
        List<StepOutcome> outcomes = super.run(batch);
        if (options.fallback() == null) {
            return outcomes;
        }
        List<StepOutcome> drafted = new ArrayList<>(outcomes.size());
        for (int i = 0; i < outcomes.size(); i++) {
            StepOutcome outcome = outcomes.get(i);
            StepInvocation invocation = batch.get(i);
            boolean noDraft = outcome instanceof StepOutcome.Failed || outcome instanceof StepOutcome.Review;
            boolean budgetSpent = !models.budgets().modelFor(invocation.workflow(), options.model()).equals(options.model());
            drafted.add(noDraft && (!outcome.calls().isEmpty() || budgetSpent) ? fallback(invocation, outcome, budgetSpent) : outcome);
        }
        return drafted;
    }

    private StepOutcome fallback(StepInvocation invocation, StepOutcome outcome, boolean budgetSpent) {
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("draft", invocation.render(options.fallback()).strip());
        output.put("citations", List.of());
        output.put("articles", List.of());
        output.put("confidence", 0.0);
        output.put("cited_score", 0.0);
        output.put("max_score", 0.0);
        output.put("pii", List.of());
        output.put("model", "template");
        output.put("prompt_id", promptId());
        output.put("prompt_version", promptVersion());
        output.put("fallback", true);
        output.put("fallback_reason", budgetSpent ? "the workflow's budget is spent"
                : outcome instanceof StepOutcome.Failed failed ? failed.reason() : ((StepOutcome.Review) outcome).reason());
        return new StepOutcome.Completed(output, List.of(), outcome.calls());
    }

    /**
     * What is wrong with a draft, or null when it is short enough, says how sure it is and cites only retrieved
     * articles. Citing none is valid: the prompt asks for a hand-over when the articles do not answer, and
     * {@code cited_score} 0 tells a policy so.
     */
    static String problemWith(JsonNode answer, Set<String> retrieved, int maxWords) {
        JsonNode draft = answer.get("draft");
        if (draft == null || !draft.isTextual() || draft.asText().isBlank()) {
            return "has no text field 'draft'";
        }
        int words = SummarizeStep.words(draft.asText());
        if (words > maxWords) {
            return "has a draft of " + words + " words, expected at most " + maxWords + ". Shorten it";
        }
        JsonNode citations = answer.get("citations");
        if (citations == null || !citations.isArray()) {
            return "has no list 'citations'";
        }
        for (JsonNode citation : citations) {
            if (!citation.isTextual() || !retrieved.contains(citation.asText())) {
                return "cites '" + citation.asText() + "', which was not retrieved; expected ids from " + retrieved;
            }
        }
        JsonNode confidence = answer.get("confidence");
        if (confidence == null || !confidence.isNumber() || confidence.doubleValue() < 0 || confidence.doubleValue() > 1) {
            return "has no number field 'confidence' from 0 to 1";
        }
        return null;
    }

    private static String identity(StepInvocation invocation) {
        return invocation.eventSource() + '\0' + invocation.eventId();
    }

    private List<KnowledgeBase.Hit> search(String text) {
        return kb.search(text, options.topK(), options.minScore(), options.articleChars());
    }

    @Override
    protected Map<String, Object> context(String text, StepInvocation invocation) {
        List<Map<String, Object>> articles = new ArrayList<>();
        List<KnowledgeBase.Hit> hits = retrieved.remove(identity(invocation));
        double maxScore = 0;
        for (KnowledgeBase.Hit hit : hits == null ? search(text) : hits) {
            Map<String, Object> article = new LinkedHashMap<>();
            article.put("id", hit.article().id());
            article.put("title", hit.article().title());
            article.put("score", hit.score());
            articles.add(article);
            maxScore = Math.max(maxScore, hit.score());
        }
        Map<String, Object> context = new LinkedHashMap<>();
        context.put("articles", List.copyOf(articles));
        context.put("max_score", maxScore);
        context.put("pii", personalData(text));
        return context;
    }

    /** The kinds of personal data in the text, as the masker finds them: email, phone, iban, card, name. */
    private List<String> personalData(String text) {
        Set<String> kinds = new TreeSet<>();
        for (String placeholder : pii.mask(text).originals().keySet()) {
            kinds.add(placeholder.replaceAll("^\\[|_\\d+]$", "").toLowerCase(Locale.ROOT));
        }
        return List.copyOf(kinds);
    }

    @Override
    protected Prepared prepare(String text, StepInvocation invocation) {
        // retrieval reads the masked text too: articles do not depend on who wrote
        List<KnowledgeBase.Hit> hits = search(text);
        retrieved.put(identity(invocation), hits);
        StringBuilder articles = new StringBuilder();
        Map<String, Double> scores = new LinkedHashMap<>();
        for (KnowledgeBase.Hit hit : hits) {
            scores.put(hit.article().id(), hit.score());
            articles.append("<article id=\"").append(hit.article().id()).append("\">\n")
                    .append(hit.excerpt()).append("\n</article>\n");
        }
        String system = promptText().replace("{{articles}}", articles.length() == 0 ? "(none found)" : articles.toString());
        return ask(system, "draft", schema, text, json -> problemWith(json, scores.keySet(), options.maxWords()), json -> {
            Map<String, Object> output = new LinkedHashMap<>();
            output.put("draft", json.get("draft").asText().strip());
            Set<String> citations = new LinkedHashSet<>();
            json.get("citations").forEach(citation -> citations.add(citation.asText()));
            output.put("citations", List.copyOf(citations));
            output.put("cited_score", citations.stream().mapToDouble(scores::get).max().orElse(0));
            return Verdict.withConfidence(output, json);
        });
    }

    /** The articles are retrieved per event: they stay {@code {{articles}}} here. */
    @Override
    protected String promptText() {
        return promptTemplate().text().replace("{{instructions}}", options.instructions() == null ? "" : options.instructions())
                .replace("{{max_words}}", Integer.toString(options.maxWords()));
    }
}
