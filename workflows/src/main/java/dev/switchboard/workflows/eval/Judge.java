package dev.switchboard.workflows.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.llm.chat.ChatAnswer;
import dev.switchboard.llm.chat.ChatCall;
import dev.switchboard.llm.chat.ChatEndpoint;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Grades a summarize or draft step's texts with a judge model on a {@link Rubric}, one call a row: the judge sees the
 * rubric, the row's input (its fields), the reference when the row has one, and the text, and answers a JSON object
 * with a score and a reason per criterion. Every call, retried attempts included, is counted with its tokens and cost.
 */
public final class Judge {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ChatEndpoint endpoint;
    private final Rubric rubric;

    public Judge(ChatEndpoint endpoint, Rubric rubric) {
        this.endpoint = endpoint;
        this.rubric = rubric;
    }

    /** The result with the judge's grades of its texts added; {@code rows} are the dataset rows the result was run on. */
    public OutputResult grade(OutputResult result, Dataset rows, String referenceColumn) {
        String field = result.stepType().equals("draft") ? "draft" : "summary";
        List<JudgeScores.Verdict> verdicts = new ArrayList<>();
        long calls = 0;
        long tokensIn = 0;
        long tokensOut = 0;
        double cost = 0;
        for (int i = 0; i < result.predictions().size(); i++) {
            if (result.predictions().get(i).outcome() == Prediction.Outcome.SKIPPED) {
                continue;
            }
            Map<String, Object> output = result.answers().get(i);
            Object text = output == null ? null : output.get(field);
            if (text == null) {
                verdicts.add(lowest(i + 1));
                continue;
            }
            Map<String, Object> row = rows.rows().get(i);
            Object reference = referenceColumn == null ? null : Dataset.value(row, referenceColumn);
            ChatAnswer answer = endpoint.chat(call(row, reference, text.toString()));
            for (ChatAnswer attempt : attempts(answer)) {
                calls++;
                tokensIn += attempt.tokensIn();
                tokensOut += attempt.tokensOut();
                cost += endpoint.definition().cost(attempt.tokensIn(), attempt.tokensOut(), attempt.latencyMillis());
            }
            verdicts.add(answer.ok() ? verdict(i + 1, answer.content())
                    : new JudgeScores.Verdict(i + 1, Map.of(), Map.of(), "the judge's call failed: " + answer.failure().message()));
        }
        return result.withJudge(JudgeScores.of(endpoint.name(), rubric, verdicts, calls, tokensIn, tokensOut, cost));
    }

    private ChatCall call(Map<String, Object> row, Object reference, String text) {
        StringBuilder system = new StringBuilder("You grade a text written by an automated assistant. ");
        if (!rubric.instructions().isEmpty()) {
            system.append(rubric.instructions()).append(' ');
        }
        system.append("Score each criterion from ").append(rubric.min()).append(" (worst) to ").append(rubric.max())
                .append(" (best), with a one-sentence reason.\nCriteria:\n");
        rubric.criteria().forEach(c -> system.append("- ").append(c.name()).append(": ").append(c.description()).append('\n'));
        system.append("Answer only a JSON object with one key per criterion, each {\"score\": <whole number>, \"reason\": \"<sentence>\"}.");
        StringBuilder user = new StringBuilder("Input:\n");
        try {
            user.append(JSON.writeValueAsString(row));
        } catch (IOException e) {
            user.append(row);
        }
        if (reference != null && !reference.toString().isBlank()) {
            user.append("\n\nReference answer:\n").append(reference instanceof Map<?, ?> map && map.get("reference") != null ? map.get("reference") : reference);
        }
        user.append("\n\nText to grade:\n").append(text);
        return ChatCall.builder().prompt("eval/judge", "judge-" + Integer.toHexString(rubric.hashCode())).system(system.toString()).user(user.toString()).build();
    }

    private JudgeScores.Verdict verdict(int row, String content) {
        JsonNode answer;
        try {
            answer = JSON.readTree(unfenced(content));
        } catch (IOException e) {
            return new JudgeScores.Verdict(row, Map.of(), Map.of(), "the judge did not answer JSON: " + abbreviate(content));
        }
        Map<String, Integer> scores = new LinkedHashMap<>();
        Map<String, String> reasons = new LinkedHashMap<>();
        for (Rubric.Criterion criterion : rubric.criteria()) {
            JsonNode grade = answer == null ? null : answer.get(criterion.name());
            JsonNode score = grade == null ? null : grade.isNumber() ? grade : grade.get("score");
            if (score == null || !score.isNumber() || score.asDouble() != Math.rint(score.asDouble()) || score.asInt() < rubric.min()
                    || score.asInt() > rubric.max()) {
                return new JudgeScores.Verdict(row, Map.of(), Map.of(), "the judge gave criterion '" + criterion.name() + "' "
                        + (score == null ? "no score" : "score " + score) + ", expected a whole number from " + rubric.min() + " to " + rubric.max());
            }
            scores.put(criterion.name(), score.asInt());
            reasons.put(criterion.name(), grade.path("reason").asText(""));
        }
        return new JudgeScores.Verdict(row, scores, reasons, null);
    }

    private JudgeScores.Verdict lowest(int row) {
        Map<String, Integer> scores = new LinkedHashMap<>();
        Map<String, String> reasons = new LinkedHashMap<>();
        rubric.criteria().forEach(criterion -> {
            scores.put(criterion.name(), rubric.min());
            reasons.put(criterion.name(), "no text to grade");
        });
        return new JudgeScores.Verdict(row, scores, reasons, null);
    }

    private static List<ChatAnswer> attempts(ChatAnswer answer) {
        List<ChatAnswer> all = new ArrayList<>(answer.earlier());
        all.add(answer);
        return all;
    }

    /** Models often wrap JSON in a Markdown fence even when told not to. */
    private static String unfenced(String content) {
        String text = content == null ? "" : content.strip();
        if (text.startsWith("```")) {
            text = text.replaceFirst("^```[a-zA-Z]*\\s*", "").replaceFirst("\\s*```$", "");
        }
        return text;
    }

    private static String abbreviate(String text) {
        String value = String.valueOf(text);
        return value.length() <= 80 ? value : value.substring(0, 80) + "…";
    }
}
