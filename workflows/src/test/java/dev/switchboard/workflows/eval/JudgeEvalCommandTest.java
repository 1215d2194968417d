package dev.switchboard.workflows.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.llm.sim.ModelSimulator;
import dev.switchboard.llm.steps.internal.PromptText;
import dev.switchboard.workflows.cli.SwitchboardCli;
import dev.switchboard.workflows.eval.EvalCommandTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code switchboard eval --judge}: a scripted judge grades scripted summaries on a YAML rubric, with exact means, reasons and cost. */
class JudgeEvalCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final Map<String, String> SUMMARIES = Map.of(
            "CALL-1", "{\"summary\": \"Customer wants a demo next week.\"}",
            "CALL-2", "{\"summary\": \"The price is high.\"}");

    private static final Map<String, String> GRADES = Map.of(
            "CALL-1", "{\"faithful\": {\"score\": 5, \"reason\": \"says what was said\"}, \"complete\": {\"score\": 4, \"reason\": \"misses the day\"}}",
            "CALL-2", "```json\n{\"faithful\": {\"score\": 2, \"reason\": \"too high is not high\"}, \"complete\": {\"score\": 2, \"reason\": \"no next step\"}}\n```",
            "CALL-4", "{\"faithful\": {\"score\": 9, \"reason\": \"off the scale\"}, \"complete\": {\"score\": 3, \"reason\": \"fine\"}}");

    @TempDir
    static Path dir;

    private static ModelSimulator model;
    private static ModelSimulator judge;

    @BeforeAll
    static void files() throws Exception {
        model = ModelSimulator.start().answers(request -> SUMMARIES.entrySet().stream().filter(s -> request.user().contains(s.getKey() + ":"))
                .map(Map.Entry::getValue).findFirst().orElse(request.user().contains("CALL-4:") ? "{\"summary\": \"Nothing.\"}" : "not JSON"));
        judge = ModelSimulator.start().answers(request -> GRADES.entrySet().stream().filter(g -> request.user().contains(g.getKey() + ":"))
                .map(Map.Entry::getValue).findFirst().orElse("no grade"));
        Files.writeString(dir.resolve("switchboard.yaml"), """
                models:
                  sim:
                    base_url: %s
                    model: qwen2.5-7b-instruct
                    retries: 0
                  sim-copy:
                    base_url: %s
                    model: qwen2.5-7b-instruct
                    retries: 0
                  sim-priced:
                    base_url: %s
                    model: qwen2.5-7b-instruct
                    retries: 0
                    input_price_per_million: 1000000
                  judge:
                    base_url: %s
                    model: judge-70b
                    retries: 0
                    input_price_per_million: 1000000
                    output_price_per_million: 2000000
                """.formatted(model.baseUrl(), model.baseUrl(), model.baseUrl(), judge.baseUrl()));
        Files.writeString(dir.resolve("calls.yaml"), """
                name: calls
                on:
                  types: [call.test]
                steps:
                  - id: notes
                    summarize:
                      input: "{{ event.data.text }}"
                      model: sim
                      injection: "off"
                      max_words: 40
                """);
        Files.writeString(dir.resolve("calls.jsonl"), """
                {"text": "CALL-1: the customer asked for a demo next week"}
                {"text": "CALL-2: they said the price is too high"}
                {"text": "CALL-3: small talk"}
                """);
        Files.writeString(dir.resolve("rubric.yaml"), """
                instructions: The summary is read by a sales rep before the next call.
                scale: {min: 1, max: 5}
                criteria:
                  - name: faithful
                    description: Says only what the call said.
                  - name: complete
                    description: Keeps every decision and next step.
                """);
    }

    @AfterAll
    static void stop() {
        model.close();
        judge.close();
    }

    /** The judge's system prompt for the rubric above: the bundled template with the rubric in it, as it was a Java string before. */
    private static final String JUDGE_SYSTEM = "You grade a text written by an automated assistant. The summary is read by a sales rep before the "
            + "next call. Score each criterion from 1 (worst) to 5 (best), with a one-sentence reason.\nCriteria:\n"
            + "- faithful: Says only what the call said.\n- complete: Keeps every decision and next step.\n"
            + "Answer only a JSON object with one key per criterion, each {\"score\": <whole number>, \"reason\": \"<sentence>\"}.";

    @Test
    void should_grade_a_text_graded_before_from_the_response_cache_when_two_models_write_the_same() throws Exception {
        // given two names of the same model: the same summaries, so the same texts to grade
        int before = judge.requests().size();

        // when
        Run run = EvalCommandTest.cli("eval", dir.resolve("calls.yaml").toString(), "--dataset", dir.resolve("calls.jsonl").toString(),
                "--model", "sim", "--model", "sim-copy", "--judge", "judge", "--rubric", dir.resolve("rubric.yaml").toString(),
                "--out", dir.resolve("cached").toString());

        // then: the second model's texts are graded from the cache, with the same grades and no call
        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode models = JSON.readTree(dir.resolve("cached/report.json").toFile()).path("models");
        assertThat(judge.requests()).hasSize(before + 2);
        assertThat(models.get(0).path("judge").path("cacheHits").asLong()).isZero();
        assertThat(models.get(1).path("judge").path("cacheHits").asLong()).isEqualTo(2);
        assertThat(models.get(1).path("judge").path("calls").asLong()).isZero();
        assertThat(models.get(1).path("judge").path("overall").asDouble()).isEqualTo(models.get(0).path("judge").path("overall").asDouble());
    }

    @Test
    void should_report_the_judges_scores_reasons_and_cost_and_exit_one_below_the_judge_bar() throws Exception {
        // given the judge's calls so far (another test of this class may have run first)
        int before = judge.requests().size();

        // when
        Run run = EvalCommandTest.cli("eval", dir.resolve("calls.yaml").toString(), "--dataset", dir.resolve("calls.jsonl").toString(),
                "--judge", "judge", "--rubric", dir.resolve("rubric.yaml").toString(), "--min-judge-score", "3",
                "--out", dir.resolve("judged").toString());

        // then: faithful (5 + 2 + 1) / 3, complete (4 + 2 + 1) / 3; CALL-3 has no summary, so scores 1 without a call
        assertThat(run.exit()).as(run.err()).isEqualTo(SwitchboardCli.FAILED);
        assertThat(run.err()).contains("FAIL: model 'sim' judge score 2.5000 is below --min-judge-score 3.0000");
        JsonNode grades = JSON.readTree(dir.resolve("judged/report.json").toFile()).path("models").get(0).path("judge");
        assertThat(grades.path("criteria").path("faithful").asDouble()).isCloseTo(8.0 / 3, within(1e-12));
        assertThat(grades.path("criteria").path("complete").asDouble()).isCloseTo(7.0 / 3, within(1e-12));
        assertThat(grades.path("overall").asDouble()).isEqualTo(2.5);
        assertThat(grades.path("failed").asInt()).isZero();
        assertThat(grades.path("calls").asLong()).isEqualTo(2);
        long tokensOut = ModelSimulator.tokens(GRADES.get("CALL-1")) + ModelSimulator.tokens(GRADES.get("CALL-2"));
        assertThat(grades.path("tokensOut").asLong()).isEqualTo(tokensOut);
        assertThat(grades.path("tokensIn").asLong()).isPositive();
        assertThat(grades.path("costUsd").asDouble()).isCloseTo(grades.path("tokensIn").asLong() + 2.0 * tokensOut, within(1e-6));
        assertThat(judge.requests()).hasSize(before + 2);
        assertThat(judge.requests().get(before).system()).isEqualTo(JUDGE_SYSTEM);
        assertThat(grades.path("prompt").path("text").asText()).isEqualTo(JUDGE_SYSTEM);
        assertThat(grades.path("prompt").path("source").asText()).isEqualTo("bundled:prompts/judge.system.md");
        assertThat(grades.path("prompt").path("version").asText()).isEqualTo("judge-" + PromptText.hash(JUDGE_SYSTEM, 6));
        assertThat(Files.readString(dir.resolve("judged/report.md"))).contains("## sim: judged by judge", "| faithful | 2.67 |",
                "faithful: says what was said; complete: misses the day", "| 3 | faithful 1, complete 1 |");
        assertThat(Files.readString(dir.resolve("judged/report.html"))).contains("Judged by judge", "too high is not high", "<svg");
        assertThat(JSON.readTree(dir.resolve("judged/report.json").toFile()).path("models").get(0).path("text").path("rougeL").isNull()
                || JSON.readTree(dir.resolve("judged/report.json").toFile()).path("models").get(0).path("text").path("rougeL").asText().equals("NaN"))
                .as("no reference, no ROUGE-L").isTrue();
    }

    @Test
    void should_stop_the_judge_before_a_call_that_could_pass_the_workflows_budget() throws Exception {
        // given the workflow with a budget: a judge's call costs $1 a token in and $2 a token out, and may cost up to
        // its input plus 256 tokens out (max_tokens) at those prices, about $960: the first fits in $1,000, a second not
        Files.writeString(dir.resolve("calls-budget.yaml"), Files.readString(dir.resolve("calls.yaml")) + "budget:\n  daily_usd: 1000\n");
        int before = judge.requests().size();

        // when
        Run run = EvalCommandTest.cli("eval", dir.resolve("calls-budget.yaml").toString(), "--dataset", dir.resolve("calls.jsonl").toString(),
                "--judge", "judge", "--rubric", dir.resolve("rubric.yaml").toString(), "--out", dir.resolve("budget").toString());

        // then: one call made, charged at its exact cost, and the judge stopped before the second
        assertThat(judge.requests()).hasSize(before + 1);
        var first = judge.requests().get(before);
        long spent = ModelSimulator.tokens(first.system()) + ModelSimulator.tokens(first.user()) + 2L * ModelSimulator.tokens(GRADES.get("CALL-1"));
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("Judge 'judge' at budget.daily_usd of calls-budget.yaml: got '$" + spent + ".0000 spent by this run",
                "for the judge's call of row 2', expected at most $1000.0 in all. Raise budget.daily_usd", "the judge stopped before that call");
        assertThat(dir.resolve("budget/report.json")).doesNotExist();
    }

    @Test
    void should_count_the_steps_spend_against_the_budget_the_judge_is_held_to() throws Exception {
        // given a step model that costs $1 a token in: the step's calls alone spend more than the budget
        Files.writeString(dir.resolve("calls-spent.yaml"), Files.readString(dir.resolve("calls.yaml")) + "budget:\n  daily_usd: 10\n");
        int before = judge.requests().size();

        // when
        Run run = EvalCommandTest.cli("eval", dir.resolve("calls-spent.yaml").toString(), "--dataset", dir.resolve("calls.jsonl").toString(),
                "--model", "sim-priced", "--judge", "judge", "--rubric", dir.resolve("rubric.yaml").toString(), "--out", dir.resolve("spent").toString());

        // then the judge makes no call at all
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("Judge 'judge' at budget.daily_usd of calls-spent.yaml", "for the judge's call of row 1'");
        assertThat(judge.requests()).hasSize(before);
    }

    @Test
    void should_leave_a_row_out_of_the_means_when_the_judge_answers_off_the_scale() throws Exception {
        // given
        Files.writeString(dir.resolve("calls-off.jsonl"), """
                {"text": "CALL-1: the customer asked for a demo next week"}
                {"text": "CALL-4: nothing"}
                """);

        // when
        Run run = EvalCommandTest.cli("eval", dir.resolve("calls.yaml").toString(), "--dataset", dir.resolve("calls-off.jsonl").toString(),
                "--judge", "judge", "--rubric", dir.resolve("rubric.yaml").toString(), "--min-judge-score", "4",
                "--out", dir.resolve("off").toString());

        // then
        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode grades = JSON.readTree(dir.resolve("off/report.json").toFile()).path("models").get(0).path("judge");
        assertThat(grades.path("failed").asInt()).isEqualTo(1);
        assertThat(grades.path("overall").asDouble()).isEqualTo(4.5);
        assertThat(Files.readString(dir.resolve("off/report.md")))
                .contains("| 2 | not graded | the judge gave criterion 'faithful' score 9, expected a whole number from 1 to 5 |");
        assertThat(run.out()).contains("PASS");
    }

    @Test
    void should_exit_two_when_the_judge_is_not_a_chat_model_or_the_rubric_is_invalid() throws Exception {
        // given
        Files.writeString(dir.resolve("bad-rubric.yaml"), "criteria:\n  - name: Faithful\n    description: x\n");

        // when
        Run unknown = EvalCommandTest.cli("eval", dir.resolve("calls.yaml").toString(), "--dataset", dir.resolve("calls.jsonl").toString(),
                "--judge", "nobody", "--rubric", dir.resolve("rubric.yaml").toString(), "--out", dir.resolve("x").toString());
        Run bad = EvalCommandTest.cli("eval", dir.resolve("calls.yaml").toString(), "--dataset", dir.resolve("calls.jsonl").toString(),
                "--judge", "judge", "--rubric", dir.resolve("bad-rubric.yaml").toString(), "--out", dir.resolve("x").toString());

        // then
        assertThat(unknown.exit()).isEqualTo(2);
        assertThat(unknown.err()).contains("Judge model at --judge: got 'nobody', expected a chat model of the configuration");
        assertThat(bad.exit()).isEqualTo(2);
        assertThat(bad.err()).contains("criteria[0].name: got 'Faithful', expected a unique lower-case name");
    }

    @Test
    void should_refuse_a_rubric_whose_scale_has_no_room() {
        assertThatThrownBy(() -> {
            Files.writeString(dir.resolve("flat.yaml"), "scale: {min: 3, max: 3}\ncriteria:\n  - name: ok\n    description: fine\n");
            Rubric.read(dir.resolve("flat.yaml"));
        }).hasMessageContaining("scale.max: got '3', expected a number above scale.min (3)");
    }
}
