package dev.switchboard.workflows.cli;

import dev.switchboard.llm.ModelRegistry;
import dev.switchboard.workflows.eval.Judge;
import dev.switchboard.workflows.eval.JudgeBudget;
import dev.switchboard.workflows.eval.OutputResult;
import dev.switchboard.workflows.eval.Rubric;
import dev.switchboard.workflows.model.Workflow;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/** {@code --judge}, {@code --rubric} and {@code --min-judge-score}: a judge model grades summaries and drafts on a rubric. */
final class JudgeOptions {

    @Option(names = "--judge", paramLabel = "MODEL",
            description = "summarize, draft: a chat model of the configuration that grades each text on --rubric; its calls are accounted in the report "
                    + "and held against the workflow's budget.daily_usd.")
    String judge;

    @Option(names = "--rubric", paramLabel = "FILE", description = "The judge's rubric (YAML): criteria with a name and a description, and a scale (default 1 to 5).")
    Path rubric;

    @Option(names = "--min-judge-score", paramLabel = "NUMBER",
            description = "summarize, draft: exit 1 when the judge's mean score (on the rubric's scale) is below this.")
    Double minJudgeScore;

    boolean judges() {
        return judge != null;
    }

    /** The judge, checked before anything slow starts; null without {@code --judge}. */
    Judge judge(ModelRegistry models, Workflow workflow, String stepType) {
        if (judge == null) {
            if (rubric != null || minJudgeScore != null) {
                throw CommandFailure.invalid("--rubric and --min-judge-score need a judge: name a chat model with --judge");
            }
            return null;
        }
        if (!stepType.equals("summarize") && !stepType.equals("draft")) {
            throw CommandFailure.invalid("Option --judge: got a " + stepType + " step, expected a summarize or draft step. Name one with --step");
        }
        if (!models.contains(judge) || !models.chats(judge)) {
            throw CommandFailure.invalid("Judge model at --judge: got '" + judge + "', expected a chat model of the configuration: "
                    + models.names() + ". Name one under models:");
        }
        if (rubric == null) {
            throw CommandFailure.invalid("Option --rubric: got nothing, expected a rubric file (YAML). Name it with --rubric");
        }
        try {
            return new Judge(models.endpoint(judge), Rubric.read(rubric), models.cache(), new JudgeBudget(models.budgets(), workflow.name(),
                    workflow.budget(), workflow.file() == null ? "workflow '" + workflow.name() + "'" : workflow.file().getFileName().toString()));
        } catch (IOException | IllegalArgumentException e) {
            throw CommandFailure.invalid(e.getMessage());
        }
    }

    boolean gate(PrintWriter err, List<OutputResult> results) {
        boolean below = false;
        for (OutputResult r : results) {
            if (minJudgeScore != null && r.judge() != null && !(r.judge().overall() >= minJudgeScore)) {
                err.printf(Locale.ROOT, "FAIL: model '%s' judge score %.4f is below --min-judge-score %.4f%n", r.model(), r.judge().overall(), minJudgeScore);
                below = true;
            }
        }
        return below;
    }
}
