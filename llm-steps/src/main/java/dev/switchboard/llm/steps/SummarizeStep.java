package dev.switchboard.llm.steps;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import dev.switchboard.llm.steps.internal.ModelStep;
import dev.switchboard.llm.steps.internal.PromptTemplate;
import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepInvocation;
import java.util.LinkedHashMap;
import java.util.Map;

/** A summary of bounded length, for call notes and long threads. */
public final class SummarizeStep extends ModelStep implements Step {

    private final int maxWords;
    private final Integer maxChars;
    private final String system;
    private final JsonObjectSchema schema;

    SummarizeStep(Setup setup, SummarizeStepFactory.Options options, PromptTemplate template) {
        super(setup, template, template.text() + "\0" + options.maxWords() + "\0" + options.maxChars() + "\0" + options.focus());
        this.maxWords = options.maxWords();
        this.maxChars = options.maxChars();
        this.system = template.text().replace("{{max_words}}", Integer.toString(maxWords))
                .replace("{{max_chars}}", maxChars == null ? "" : " and " + maxChars + " characters")
                .replace("{{focus}}", options.focus() == null ? "" : " Keep: " + options.focus() + ".");
        this.schema = schema().addProperty("summary", JsonStringSchema.builder().build()).required("summary").build();
    }

    static int words(String text) {
        String stripped = text.strip();
        return stripped.isEmpty() ? 0 : stripped.split("\\s+").length;
    }

    /** What is wrong with a summary, or null when it is non-empty and within the bounds. */
    static String problemWith(JsonNode answer, int maxWords, Integer maxChars) {
        JsonNode summary = answer.get("summary");
        if (summary == null || !summary.isTextual() || summary.asText().isBlank()) {
            return "has no text field 'summary'";
        }
        int words = words(summary.asText());
        if (words > maxWords) {
            return "has a summary of " + words + " words, expected at most " + maxWords + ". Shorten it";
        }
        if (maxChars != null && summary.asText().length() > maxChars) {
            return "has a summary of " + summary.asText().length() + " characters, expected at most " + maxChars + ". Shorten it";
        }
        return null;
    }

    @Override
    protected Prepared prepare(String text, StepInvocation invocation) {
        return ask(system, "summary", schema, text, json -> problemWith(json, maxWords, maxChars), json -> {
            Map<String, Object> output = new LinkedHashMap<>();
            String summary = json.get("summary").asText().strip();
            output.put("summary", summary);
            output.put("words", (long) words(summary));
            return Verdict.ok(output, null);
        });
    }

    @Override
    protected String promptText() {
        return system;
    }
}
