package dev.switchboard.llm.steps;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonNumberSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import dev.switchboard.llm.steps.internal.ModelStep;
import dev.switchboard.llm.steps.internal.PromptTemplate;
import dev.switchboard.llm.steps.internal.PromptText;
import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepInvocation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A number in a declared range, judged by a rubric, with short reasons: lead scoring, urgency. */
public final class ScoreStep extends ModelStep implements Step {

    static final int MAX_REASONS = 3;
    static final int MAX_REASON_CHARS = 200;

    private final ScoreStepFactory.Options options;
    private final String system;
    private final JsonObjectSchema schema;

    ScoreStep(Setup setup, ScoreStepFactory.Options options, PromptTemplate template) {
        super(setup, template, template.text() + "\0" + options.rubric() + "\0" + options.min() + "\0" + options.max() + "\0" + options.integer());
        this.options = options;
        this.system = template.text().replace("{{min}}", number(options.min()))
                .replace("{{max}}", number(options.max()))
                .replace("{{rubric}}", options.rubric().strip())
                .replace("{{reason_chars}}", Integer.toString(MAX_REASON_CHARS));
        this.schema = schema()
                .addProperty("score", JsonNumberSchema.builder().description("from " + number(options.min()) + " to " + number(options.max())).build())
                .addProperty("reasons", JsonArraySchema.builder().items(JsonStringSchema.builder().build())
                        .description("one to three short reasons").build())
                .addProperty("confidence", JsonNumberSchema.builder().description("from 0 to 1").build())
                .required("score", "reasons", "confidence")
                .build();
    }

    /** What is wrong with a score, or null when it is in range with one to three short reasons. */
    static String problemWith(JsonNode answer, double min, double max, boolean integer) {
        JsonNode score = answer.get("score");
        if (score == null || !score.isNumber() || !Double.isFinite(score.doubleValue())) {
            return "has no number field 'score'";
        }
        double value = score.doubleValue();
        if (value < min || value > max) {
            return "got score " + score + ", expected a number from " + number(min) + " to " + number(max);
        }
        if (integer && value != Math.rint(value)) {
            return "got score " + score + ", expected a whole number";
        }
        JsonNode reasons = answer.get("reasons");
        if (reasons == null || !reasons.isArray() || reasons.isEmpty() || reasons.size() > MAX_REASONS) {
            return "has no list of one to " + MAX_REASONS + " 'reasons'";
        }
        for (JsonNode reason : reasons) {
            if (!reason.isTextual() || reason.asText().isBlank() || reason.asText().length() > MAX_REASON_CHARS) {
                return "has a reason that is not a short text (under " + MAX_REASON_CHARS + " characters)";
            }
        }
        return PromptText.confidenceProblem(answer);
    }

    /** A whole number without its {@code .0}. */
    static String number(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    @Override
    protected Prepared prepare(String text, StepInvocation invocation) {
        return ask(system, "score", schema, text, json -> problemWith(json, options.min(), options.max(), options.integer()), json -> {
            Map<String, Object> output = new LinkedHashMap<>();
            double score = json.get("score").doubleValue();
            output.put("score", options.integer() ? (Object) (long) score : (Object) score);
            List<String> reasons = new ArrayList<>();
            json.get("reasons").forEach(reason -> reasons.add(reason.asText()));
            output.put("reasons", List.copyOf(reasons));
            return Verdict.withConfidence(output, json);
        });
    }

    @Override
    protected String promptText() {
        return system;
    }
}
