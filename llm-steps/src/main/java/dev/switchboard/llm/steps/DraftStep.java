package dev.switchboard.llm.steps;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import dev.switchboard.llm.steps.internal.KnowledgeBase;
import dev.switchboard.llm.steps.internal.ModelStep;
import dev.switchboard.llm.steps.internal.PromptTemplate;
import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepInvocation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A reply draft grounded in a knowledge base: the articles most similar to the event's text are
 * retrieved in-process (all-MiniLM-L6-v2), given to the model, and the draft must cite the ids of
 * the articles it used, and only articles that were retrieved. A draft is for a person to send:
 * it goes into a task, never out by itself.
 */
public final class DraftStep extends ModelStep implements Step {

    private final DraftStepFactory.Options options;
    private final KnowledgeBase kb;
    private final JsonObjectSchema schema;
    /** The articles retrieved for an event's call, by event source and id, for its output. */
    private final Map<String, List<KnowledgeBase.Hit>> retrieved = new ConcurrentHashMap<>();

    private final PromptTemplate template;

    DraftStep(Setup setup, DraftStepFactory.Options options, KnowledgeBase kb, PromptTemplate template) {
        super(setup, template.text() + "\0" + options.instructions() + "\0" + options.maxWords() + "\0"
                + options.topK() + "\0" + options.minScore() + "\0" + kb.fingerprint());
        this.options = options;
        this.kb = kb;
        this.template = template;
        this.schema = schema()
                .addProperty("draft", JsonStringSchema.builder().build())
                .addProperty("citations", JsonArraySchema.builder().items(JsonStringSchema.builder().build()).build())
                .required("draft", "citations")
                .build();
    }

    /** What is wrong with a draft, or null when it is short enough and cites only retrieved articles. */
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
        if (citations.isEmpty() && !retrieved.isEmpty()) {
            return "cites no article, expected the ids of the articles used, from " + retrieved;
        }
        for (JsonNode citation : citations) {
            if (!citation.isTextual() || !retrieved.contains(citation.asText())) {
                return "cites '" + citation.asText() + "', which was not retrieved; expected ids from " + retrieved;
            }
        }
        return null;
    }

    private static String identity(StepInvocation invocation) {
        return invocation.eventSource() + '\0' + invocation.eventId();
    }

    private List<KnowledgeBase.Hit> search(String text) {
        return kb.search(text, options.topK(), options.minScore());
    }

    @Override
    protected Map<String, Object> context(String text, StepInvocation invocation) {
        List<Map<String, Object>> articles = new ArrayList<>();
        List<KnowledgeBase.Hit> hits = retrieved.remove(identity(invocation));
        for (KnowledgeBase.Hit hit : hits == null ? search(text) : hits) {
            Map<String, Object> article = new LinkedHashMap<>();
            article.put("id", hit.article().id());
            article.put("title", hit.article().title());
            article.put("score", hit.score());
            articles.add(article);
        }
        return Map.of("articles", List.copyOf(articles));
    }

    @Override
    protected Prepared prepare(String text, StepInvocation invocation) {
        // retrieval reads the masked text too: articles do not depend on who wrote
        List<KnowledgeBase.Hit> hits = search(text);
        retrieved.put(identity(invocation), hits);
        StringBuilder articles = new StringBuilder();
        Set<String> ids = new LinkedHashSet<>();
        for (KnowledgeBase.Hit hit : hits) {
            ids.add(hit.article().id());
            articles.append("<article id=\"").append(hit.article().id()).append("\">\n")
                    .append(hit.article().text().strip()).append("\n</article>\n");
        }
        String system = promptText().replace("{{articles}}", articles.length() == 0 ? "(none found)" : articles.toString());
        return ask(system, "draft", schema, text, json -> problemWith(json, ids, options.maxWords()), json -> {
            Map<String, Object> output = new LinkedHashMap<>();
            output.put("draft", json.get("draft").asText().strip());
            List<String> citations = new ArrayList<>();
            json.get("citations").forEach(citation -> citations.add(citation.asText()));
            output.put("citations", List.copyOf(new LinkedHashSet<>(citations)));
            return Verdict.ok(output, null);
        });
    }

    @Override
    protected PromptTemplate promptTemplate() {
        return template;
    }

    /** The articles are retrieved per event: they stay {@code {{articles}}} here. */
    @Override
    protected String promptText() {
        return template.text().replace("{{instructions}}", options.instructions() == null ? "" : options.instructions())
                .replace("{{max_words}}", Integer.toString(options.maxWords()));
    }
}
