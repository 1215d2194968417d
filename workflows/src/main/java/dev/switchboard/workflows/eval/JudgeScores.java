package dev.switchboard.workflows.eval;

import static dev.switchboard.workflows.eval.EvalReport.dollars;
import static dev.switchboard.workflows.eval.EvalReport.number;
import static dev.switchboard.workflows.eval.HtmlReport.escape;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A judge model's grades of one model's summaries or drafts on a {@link Rubric}: per criterion the mean score on the
 * rubric's scale, their mean, each row's scores with the judge's reasons, and what the judge's own calls cost.
 * A row the evaluated step gave no text for scores the scale's minimum on every criterion, without a call; a row
 * whose judge call failed or answered out of the rubric is left out of the means and counted in {@code failed}.
 *
 * @param judge     the judge model
 * @param min       the scale's lowest score
 * @param max       the scale's highest score
 * @param rows      rows scored
 * @param failed    rows the judge could not grade
 * @param overall   mean of the criteria's means; NaN when no row was graded
 * @param criteria  per criterion, the mean score over the graded rows
 * @param verdicts  each row's grades, in dataset order
 * @param calls     the judge's model calls
 * @param tokensIn  prompt tokens of the judge's calls
 * @param tokensOut completion tokens of the judge's calls
 * @param costUsd   the judge's calls' cost
 * @param prompt    the judge's prompt: its version (a hash of the text, rubric included) and where its template comes from
 * @param cacheHits rows the response cache answered without a call
 */
public record JudgeScores(String judge, int min, int max, int rows, int failed, double overall, Map<String, Double> criteria,
                          List<Verdict> verdicts, long calls, long tokensIn, long tokensOut, double costUsd, Prompt prompt, long cacheHits) {

    /** The judge's prompt: {@code version} hashes the system text the judge is sent, so a changed rubric or template is a new version. */
    public record Prompt(String id, String version, String source, String text) {
    }

    /**
     * One row's grades.
     *
     * @param row     the row's number in the dataset, from 1
     * @param scores  per criterion, empty when the judge failed
     * @param reasons per criterion, the judge's reason
     * @param error   why the row was not graded, or null
     */
    public record Verdict(int row, Map<String, Integer> scores, Map<String, String> reasons, String error) {
    }

    static JudgeScores of(String judge, Rubric rubric, List<Verdict> verdicts, long calls, long tokensIn, long tokensOut, double costUsd,
                          Prompt prompt, long cacheHits) {
        Map<String, Double> means = new LinkedHashMap<>();
        List<Verdict> graded = verdicts.stream().filter(verdict -> verdict.error() == null).toList();
        for (Rubric.Criterion criterion : rubric.criteria()) {
            means.put(criterion.name(), graded.isEmpty() ? Double.NaN
                    : graded.stream().mapToInt(verdict -> verdict.scores().get(criterion.name())).average().orElse(Double.NaN));
        }
        double overall = graded.isEmpty() ? Double.NaN : means.values().stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        return new JudgeScores(judge, rubric.min(), rubric.max(), verdicts.size(), verdicts.size() - graded.size(), overall, means,
                List.copyOf(verdicts), calls, tokensIn, tokensOut, costUsd, prompt, cacheHits);
    }

    String markdown(String model) {
        StringBuilder md = new StringBuilder("\n## ").append(model).append(": judged by ").append(judge).append("\n\n")
                .append("Scale ").append(min).append("–").append(max).append("; mean ").append(number(overall, 2)).append(" over ")
                .append(rows - failed).append(" of ").append(rows).append(" rows graded. The judge: ").append(calls).append(" calls, ")
                .append(tokensIn).append(" tokens in, ").append(tokensOut).append(" out, ").append(dollars(costUsd)).append(", ").append(cacheHits)
                .append(" rows from the response cache; prompt `").append(prompt.version()).append("` (").append(prompt.source()).append(").\n\n")
                .append("| criterion | mean |\n|---|--:|\n");
        criteria.forEach((name, mean) -> md.append("| ").append(name).append(" | ").append(number(mean, 2)).append(" |\n"));
        md.append("\n| row | scores | reasons |\n|--:|---|---|\n");
        for (Verdict verdict : verdicts) {
            md.append("| ").append(verdict.row()).append(" | ").append(verdict.error() != null ? "not graded" : scores(verdict)).append(" | ")
                    .append(cell(verdict.error() != null ? verdict.error() : reasons(verdict))).append(" |\n");
        }
        return md.toString();
    }

    String html() {
        StringBuilder html = new StringBuilder("<h3>Judged by ").append(escape(judge)).append(" (scale ").append(min).append("–").append(max)
                .append(")</h3><p class=\"muted\">Mean ").append(number(overall, 2)).append(" over ").append(rows - failed).append(" of ")
                .append(rows).append(" rows graded; the judge's ").append(calls).append(" calls: ").append(tokensIn).append(" tokens in, ")
                .append(tokensOut).append(" out, ").append(escape(dollars(costUsd))).append(".</p>");
        Map<String, Double> bars = new LinkedHashMap<>();
        criteria.forEach((name, mean) -> bars.put(name + " " + number(mean, 2), Double.isNaN(mean) ? Double.NaN : (mean - min) / (max - min)));
        html.append(OutputReport.bars(bars)).append("<table><tr><th>row</th><th>scores</th><th>reasons</th></tr>");
        for (Verdict verdict : verdicts) {
            html.append("<tr><td>").append(verdict.row()).append("</td><td>").append(escape(verdict.error() != null ? "not graded" : scores(verdict)))
                    .append("</td><td>").append(escape(verdict.error() != null ? verdict.error() : reasons(verdict))).append("</td></tr>");
        }
        return html.append("</table>").toString();
    }

    private static String scores(Verdict verdict) {
        StringBuilder text = new StringBuilder();
        verdict.scores().forEach((name, score) -> text.append(text.isEmpty() ? "" : ", ").append(name).append(' ').append(score));
        return text.toString();
    }

    private static String reasons(Verdict verdict) {
        StringBuilder text = new StringBuilder();
        verdict.reasons().forEach((name, reason) -> text.append(text.isEmpty() ? "" : "; ").append(name).append(": ").append(reason));
        return text.toString();
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }
}
