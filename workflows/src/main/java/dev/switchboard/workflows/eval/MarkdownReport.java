package dev.switchboard.workflows.eval;

import static dev.switchboard.workflows.eval.EvalReport.dollars;
import static dev.switchboard.workflows.eval.EvalReport.number;
import static dev.switchboard.workflows.eval.EvalReport.percent;
import static dev.switchboard.workflows.eval.EvalReport.percent2;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** {@code report.md}: the summary table, then per model its trade-off table, its worst confusions and per-label scores. */
final class MarkdownReport {

    /** Above this many labels the full confusion matrix goes to the CSV file only. */
    private static final int MATRIX_IN_MARKDOWN = 15;
    private static final int TOP_CONFUSIONS = 15;

    private MarkdownReport() {
    }

    static String render(EvalReport report) {
        StringBuilder md = new StringBuilder();
        md.append("# Evaluation: ").append(report.workflow()).append(" / ").append(report.step()).append(" on ")
                .append(report.dataset()).append("\n\n");
        for (String note : report.notes()) {
            md.append("- ").append(note).append('\n');
        }
        md.append("- Reproduce: `").append(report.command()).append("`\n\n");
        md.append("| model | rows | accuracy | macro-F1 | threshold | review rate | accuracy kept | out-of-scope to review | cost / 1k | p50 | p95 | cache hits | rows/s |\n");
        md.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (ModelResult model : report.models()) {
            md.append("| ").append(model.model())
                    .append(" | ").append(model.rows())
                    .append(" | ").append(percent2(model.scores().accuracy()))
                    .append(" | ").append(percent2(model.scores().macroF1()))
                    .append(" | ").append(number(model.threshold(), 2))
                    .append(" | ").append(percent(model.reviewRate()))
                    .append(" | ").append(percent2(model.acceptedAccuracy()))
                    .append(" | ").append(model.outOfScope() == 0 ? "–" : percent(model.oosToReview()))
                    .append(" | ").append(dollars(model.costPer1000()))
                    .append(" | ").append(number(model.p50Millis(), 1)).append(" ms")
                    .append(" | ").append(number(model.p95Millis(), 1)).append(" ms")
                    .append(" | ").append(model.cacheHits())
                    .append(" | ").append(number(model.rowsPerSecond(), 0))
                    .append(" |\n");
        }
        md.append("\nAccuracy and macro-F1 count every in-scope answer, whatever its confidence. At the threshold, answers below it go to review: "
                + "*review rate* is the share of all rows a person sees, *accuracy kept* the accuracy of the answers that stay automatic.\n");
        for (ModelResult model : report.models()) {
            md.append("\n## ").append(model.model()).append("\n\n");
            md.append(model.inScope()).append(" rows in scope (").append(model.stepLabels().size()).append(" labels)");
            if (model.outOfScope() > 0) {
                md.append(", ").append(model.outOfScope()).append(" out of scope (their label is not one of the step's)");
            }
            if (model.failed() > 0 || model.skipped() > 0) {
                md.append("; ").append(model.failed()).append(" failed, ").append(model.skipped()).append(" skipped");
            }
            md.append(".\n");
            if (model.skipped() > 0) {
                md.append("\nSkipped rows are not scored (live, the step would not see them): ").append(model.skippedSummary()).append(".\n");
            }
            List<ChainMembers> chain = ChainMembers.of(model.predictions(), model.stepLabels());
            if (!chain.isEmpty()) {
                md.append("\n### Alias chain, per model\n\n| model | rows asked | answered | accuracy of its answers | fell through | cost |\n")
                        .append("|---|---:|---:|---:|---:|---:|\n");
                chain.forEach(member -> md.append("| ").append(member.member()).append(" | ").append(member.asked()).append(" | ")
                        .append(member.answered()).append(" | ").append(percent2(member.accuracy())).append(" | ")
                        .append(percent(member.fallThroughRate())).append(" | ").append(dollars(member.costUsd())).append(" |\n"));
            }
            md.append("\n### Threshold trade-off\n\n");
            md.append("| threshold | in-scope automated | accuracy of automated | review rate (all rows) |")
                    .append(model.outOfScope() > 0 ? " out-of-scope sent to review | out-of-scope mislabelled |\n" : "\n");
            md.append("|---:|---:|---:|---:|").append(model.outOfScope() > 0 ? "---:|---:|\n" : "\n");
            for (ModelResult.TradeoffPoint point : model.curve()) {
                md.append("| ").append(number(point.threshold(), 2))
                        .append(" | ").append(percent(point.coverage()))
                        .append(" | ").append(percent2(point.acceptedAccuracy()))
                        .append(" | ").append(percent(point.reviewRate())).append(" |");
                if (model.outOfScope() > 0) {
                    md.append(' ').append(percent(point.oosToReview())).append(" | ").append(percent(1 - point.oosToReview())).append(" |");
                }
                md.append('\n');
            }
            List<Map.Entry<String, Map.Entry<String, Integer>>> mistakes = model.scores().confusion().mistakes();
            if (!mistakes.isEmpty()) {
                md.append("\n### Most frequent confusions\n\n| expected | answered | rows |\n|---|---|---:|\n");
                mistakes.stream().limit(TOP_CONFUSIONS).forEach(m -> md.append("| ").append(m.getKey()).append(" | ")
                        .append(m.getValue().getKey()).append(" | ").append(m.getValue().getValue()).append(" |\n"));
            }
            md.append("\n### Per label\n\n| label | support | precision | recall | F1 |\n|---|---:|---:|---:|---:|\n");
            model.scores().labels().stream()
                    .sorted(Comparator.comparingDouble(Scores.LabelScore::f1).thenComparing(Scores.LabelScore::label))
                    .forEach(label -> md.append("| ").append(label.label()).append(" | ").append(label.support())
                            .append(" | ").append(number(label.precision(), 3)).append(" | ").append(number(label.recall(), 3))
                            .append(" | ").append(number(label.f1(), 3)).append(" |\n"));
            Scores.Confusion confusion = model.scores().confusion();
            md.append("\n### Confusion matrix\n\n");
            if (confusion.labels().size() > MATRIX_IN_MARKDOWN) {
                md.append("In `confusion-").append(EvalReport.slug(model.model())).append(".csv` (")
                        .append(confusion.labels().size()).append(" labels), and as a heatmap in `report.html`.\n");
            } else {
                md.append("| expected \\ answered |");
                confusion.columns().forEach(column -> md.append(' ').append(column).append(" |"));
                md.append("\n|---|");
                confusion.columns().forEach(column -> md.append("---:|"));
                md.append('\n');
                for (int r = 0; r < confusion.labels().size(); r++) {
                    md.append("| ").append(confusion.labels().get(r)).append(" |");
                    for (int c = 0; c < confusion.columns().size(); c++) {
                        md.append(' ').append(confusion.counts()[r][c]).append(" |");
                    }
                    md.append('\n');
                }
            }
        }
        return md.toString();
    }
}
