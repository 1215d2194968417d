package dev.switchboard.workflows.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.llm.ResponseCache;
import dev.switchboard.llm.chat.ChatAnswer;
import dev.switchboard.llm.chat.ChatCall;
import dev.switchboard.llm.chat.ChatEndpoint;
import dev.switchboard.llm.steps.internal.PromptTemplate;
import dev.switchboard.llm.steps.internal.PromptText;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Grades a summarize or draft step's texts with a judge model on a {@link Rubric}, one call a row: the judge sees the
 * rubric, the row's input (its fields), the reference when the row has one, and the text, and answers a JSON object
 * with a score and a reason per criterion. Every call, retried attempts included, is counted with its tokens and cost.
 * The system prompt is the bundled template {@code prompts/judge.system.md} with the rubric in it; its version (a hash of
 * that text) names the calls and the report. Graded answers go through the response cache as the steps' do, keyed by the
 * judge model, the prompt version and the row, so a text graded before (another model's identical draft) costs no call.
 * Every call is charged to the evaluated workflow's budget, and none is made that could pass it ({@link JudgeBudget}).
 */
public final class Judge {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final String PROMPT_ID = "eval/judge";
    private static final Duration CACHED_FOR = Duration.ofDays(1);

    private final ChatEndpoint endpoint;
    private final Rubric rubric;
    private final ResponseCache cache;
    private final JudgeScores.Prompt prompt;
    private final JudgeBudget budget;

    public Judge(ChatEndpoint endpoint, Rubric rubric, ResponseCache cache, JudgeBudget budget) {
        this.endpoint = endpoint;
        this.rubric = rubric;
        this.cache = cache;
        this.budget = budget;
        PromptTemplate template = PromptTemplate.bundled("judge.system");
        StringBuilder criteria = new StringBuilder();
        rubric.criteria().forEach(c -> criteria.append(criteria.length() == 0 ? "" : "\n").append("- ").append(c.name()).append(": ")
                .append(c.description()));
        String system = template.text().replace("{{instructions}}", rubric.instructions().isEmpty() ? "" : rubric.instructions() + " ")
                .replace("{{min}}", Integer.toString(rubric.min())).replace("{{max}}", Integer.toString(rubric.max()))
                .replace("{{criteria}}", criteria);
        this.prompt = new JudgeScores.Prompt(PROMPT_ID, "judge-" + PromptText.hash(system, 6), template.source(), system);
    }

    /** The judge's prompt, with the rubric in it. */
    public JudgeScores.Prompt prompt() {
        return prompt;
    }

    /** The result with the judge's grades of its texts added; {@code rows} are the dataset rows the result was run on. */
    public OutputResult grade(OutputResult result, Dataset rows, String referenceColumn) {
        String field = result.stepType().equals("draft") ? "draft" : "summary";
        List<JudgeScores.Verdict> verdicts = new ArrayList<>();
        long calls = 0;
        long tokensIn = 0;
        long tokensOut = 0;
        double cost = 0;
        long hits = 0;
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
            String user = user(row, reference, text.toString());
            String key = ResponseCache.key("eval", endpoint.name() + "/" + endpoint.definition().model(), prompt.version(), user);
            Map<String, Object> cached = cache.get(key);
            if (cached != null) {
                hits++;
                verdicts.add(verdict(i + 1, String.valueOf(cached.get("content"))));
                continue;
            }
            budget.admit(endpoint.name(), i + 1, mostCost(user));
            ChatAnswer answer = endpoint.chat(ChatCall.builder().prompt(PROMPT_ID, prompt.version()).system(prompt.text()).user(user).build());
            for (ChatAnswer attempt : attempts(answer)) {
                calls++;
                tokensIn += attempt.tokensIn();
                tokensOut += attempt.tokensOut();
                double attemptCost = endpoint.definition().cost(attempt.tokensIn(), attempt.tokensOut(), attempt.latencyMillis());
                cost += attemptCost;
                budget.record(attemptCost);
            }
            JudgeScores.Verdict verdict = answer.ok() ? verdict(i + 1, answer.content())
                    : new JudgeScores.Verdict(i + 1, Map.of(), Map.of(), "the judge's call failed: " + answer.failure().message());
            if (verdict.error() == null) {
                cache.put(key, Map.of("content", answer.content()), CACHED_FOR);
            }
            verdicts.add(verdict);
        }
        return result.withJudge(JudgeScores.of(endpoint.name(), rubric, verdicts, calls, tokensIn, tokensOut, cost, prompt, hits));
    }

    /** As a step's call is estimated ({@code ModelRegistry.maxCallCost}): about 3 characters a token in, {@code max_tokens} out. */
    private double mostCost(String user) {
        return endpoint.definition().cost((prompt.text().length() + user.length()) / 3 + 256, endpoint.definition().maxTokens());
    }

    private static String user(Map<String, Object> row, Object reference, String text) {
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
        return user.toString();
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
