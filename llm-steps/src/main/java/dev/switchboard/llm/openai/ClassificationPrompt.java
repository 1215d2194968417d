package dev.switchboard.llm.openai;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.model.chat.request.json.JsonNumberSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.switchboard.llm.chat.ChatCall;
import dev.switchboard.llm.chat.ChatFailures;
import dev.switchboard.llm.spi.LabelSet;
import dev.switchboard.llm.steps.internal.PromptTemplate;
import dev.switchboard.llm.steps.internal.PromptText;
import java.util.stream.Collectors;

/**
 * The classification prompt for one label set: a system prompt with the labels and examples, the
 * text as delimited data, and a strict JSON schema whose {@code label} is an enum of the labels.
 * Made by {@link #of}.
 */
public record ClassificationPrompt(LabelSet labels, String system, JsonObjectSchema schema, String version) {

    static final String SYSTEM_PROMPT_TEMPLATE = PromptTemplate.bundled("classify.system").text();

    static final String USER_PROMPT_TEMPLATE = PromptTemplate.bundled("classify.user").text();

    /** Changes whenever the wording of the prompt changes; the label set has its own version. */
    public static final String TEMPLATE_VERSION = templateVersion(SYSTEM_PROMPT_TEMPLATE);

    /** The version of a system prompt template with the bundled user prompt. */
    public static String templateVersion(String systemTemplate) {
        return "p-" + PromptText.hash(systemTemplate + "\0" + USER_PROMPT_TEMPLATE, 4);
    }

    private static ClassificationPrompt fill(LabelSet labels, String systemTemplate) {
        String labelLines = labels.descriptions().entrySet().stream()
                .map(entry -> "- " + entry.getKey() + ": " + entry.getValue())
                .collect(Collectors.joining("\n"));
        String exampleLines = labels.examples().entrySet().stream()
                .flatMap(entry -> entry.getValue().stream()
                        .map(example -> "<text>" + PromptText.asData(example, "text").replace('\n', ' ') + "</text> => " + entry.getKey()))
                .collect(Collectors.joining("\n"));
        String system = systemTemplate
                .replace("{{labels}}", labelLines)
                .replace("{{examples}}", exampleLines.isEmpty() ? "" : "\nExamples:\n" + exampleLines + "\n");
        JsonObjectSchema schema = JsonObjectSchema.builder()
                .addEnumProperty("label", labels.labels())
                .addProperty("confidence", JsonNumberSchema.builder().description("from 0 to 1").build())
                .required("label", "confidence")
                .additionalProperties(false)
                .build();
        return new ClassificationPrompt(labels, system, schema, labels.version() + "/" + templateVersion(systemTemplate));
    }

    public static ClassificationPrompt of(LabelSet labels) {
        return fill(labels, SYSTEM_PROMPT_TEMPLATE);
    }

    /** The prompt with a workflow's own system template ({@code prompt_file}). */
    public static ClassificationPrompt of(LabelSet labels, String systemTemplate) {
        return fill(labels, systemTemplate);
    }

    /** The text after the system prompt: the user turn's template. */
    public static String userTemplate() {
        return USER_PROMPT_TEMPLATE;
    }

    public ChatCall call(String promptId, String text) {
        return ChatCall.builder().prompt(promptId, version).system(system).user(userPrompt(text))
                .schema("classification", schema).build();
    }

    public static String userPrompt(String text) {
        return USER_PROMPT_TEMPLATE.replace("{{text}}", PromptText.asData(text, "text"));
    }

    /** What is wrong with the answer, or null when it is a label of the set with a confidence in [0, 1]. */
    public static String problemWith(JsonNode answer, LabelSet labels) {
        if (answer == null) {
            return "is not JSON, expected {\"label\": ..., \"confidence\": ...}";
        }
        if (!answer.isObject()) {
            return "is not a JSON object, expected {\"label\": ..., \"confidence\": ...}";
        }
        JsonNode label = answer.get("label");
        if (label == null || !label.isTextual()) {
            return "has no string field 'label', expected one of " + labels.labels();
        }
        if (!labels.contains(label.asText())) {
            return "got label '" + ChatFailures.quote(label.asText()) + "', expected one of " + labels.labels();
        }
        JsonNode confidence = answer.get("confidence");
        if (confidence == null || !confidence.isNumber()) {
            return "has no number field 'confidence', expected a number in [0, 1]";
        }
        double value = confidence.doubleValue();
        if (!(value >= 0 && value <= 1)) {
            return "got confidence " + confidence + ", expected a number in [0, 1]";
        }
        return null;
    }
}
