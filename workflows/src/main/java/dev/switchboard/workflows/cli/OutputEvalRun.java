package dev.switchboard.workflows.cli;

import dev.switchboard.workflows.eval.OutputReport;
import dev.switchboard.workflows.eval.OutputResult;
import dev.switchboard.workflows.model.StepSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/** {@code switchboard eval} of an extract or score step: each model's run, the table, the reports and the bar. */
record OutputEvalRun(PrintWriter out, PrintWriter err, ReportFolderOption reports) {

    int run(String workflow, StepSpec target, String dataset, String command, List<String> notes, List<String> models,
            Function<String, OutputResult> evaluate, OutputBarOptions bar, JudgeOptions judge) throws IOException {
        List<OutputResult> results = new ArrayList<>();
        for (String name : models) {
            try {
                results.add(evaluate.apply(name));
            } catch (IllegalArgumentException | IllegalStateException e) {
                throw CommandFailure.invalid("Model '" + name + "' could not be evaluated: " + e.getMessage());
            }
        }
        if (results.stream().allMatch(result -> result.rows() == 0)) {
            throw CommandFailure.invalid("Every row was skipped, so nothing was scored: name the rows' event type, source and subject with "
                    + "--type, --source and --subject (or their -column forms) so the workflow's filter and conditions see what they test");
        }
        Path folder = reports.resolve(workflow);
        new OutputReport(workflow, target.id(), target.type(), dataset, command, notes, results).write(folder);
        print(results);
        for (OutputResult result : results) {
            if (result.skipped() > 0) {
                out.printf(Locale.ROOT, "%s: %d of %d rows skipped, not scored: %s%n", result.model(), result.skipped(),
                        result.predictions().size(), result.skippedSummary());
            }
        }
        out.println("Reports: " + folder.resolve("report.md") + ", " + folder.resolve("report.html"));
        return bar.gate(out, err, results, judge);
    }

    private void print(List<OutputResult> results) {
        boolean extract = results.get(0).extract() != null;
        if (results.get(0).text() != null) {
            TextTable table = new TextTable("model", "rows", "answered", "ROUGE-L", "valid citations", "cit. precision", "cit. recall", "review",
                    "cost/1k", "p95 ms").alignRight(1, 2, 3, 4, 5, 6, 7, 8, 9);
            for (OutputResult r : results) {
                table.row(r.model(), r.rows(), r.text().answered(), decimal(r.text().rougeL()), percent(r.text().citationValidity()),
                        percent(r.text().citationPrecision()), percent(r.text().citationRecall()), percent(r.reviewRate()), dollars(r),
                        String.format(Locale.ROOT, "%.1f", r.p95Millis()));
            }
            table.print(out);
            for (OutputResult r : results) {
                if (!Double.isNaN(r.text().similarity())) {
                    out.printf(Locale.ROOT, "%s: embedding similarity to the references %s%n", r.model(), decimal(r.text().similarity()));
                }
                if (!Double.isNaN(r.text().groundedness())) {
                    out.printf(Locale.ROOT, "%s: groundedness %s of draft sentences supported by the retrieved articles%n", r.model(),
                            percent(r.text().groundedness()));
                }
                if (r.judge() != null) {
                    var j = r.judge();
                    out.printf(Locale.ROOT, "%s: judged by %s: mean %s on %d–%d over %d of %d rows %s; the judge: %d calls, %d tokens in, %d out, $%.4f%n",
                            r.model(), j.judge(), decimal(j.overall()), j.min(), j.max(), j.rows() - j.failed(), j.rows(), j.criteria(), j.calls(),
                            j.tokensIn(), j.tokensOut(), j.costUsd());
                }
            }
            return;
        }
        TextTable table = extract
                ? new TextTable("model", "rows", "exact", "fields", "opt. precision", "opt. recall", "review", "cost/1k", "p95 ms").alignRight(1, 2, 3, 4, 5, 6, 7, 8)
                : new TextTable("model", "rows", "answered", "MAE", "Spearman", "within", "review", "cost/1k", "p95 ms").alignRight(1, 2, 3, 4, 5, 6, 7, 8);
        for (OutputResult r : results) {
            if (extract) {
                table.row(r.model(), r.rows(), percent(r.extract().exactMatch()), percent(r.extract().meanFieldAccuracy()),
                        percent(r.extract().optionalPrecision()), percent(r.extract().optionalRecall()), percent(r.reviewRate()), dollars(r),
                        String.format(Locale.ROOT, "%.1f", r.p95Millis()));
            } else {
                table.row(r.model(), r.rows(), r.score().answered(), decimal(r.score().mae()), decimal(r.score().spearman()),
                        percent(r.score().withinTolerance()), percent(r.reviewRate()), dollars(r), String.format(Locale.ROOT, "%.1f", r.p95Millis()));
            }
        }
        table.print(out);
    }

    private static String percent(double share) {
        return Double.isNaN(share) ? "n/a" : String.format(Locale.ROOT, "%.2f%%", share * 100);
    }

    private static String decimal(double value) {
        return Double.isNaN(value) ? "n/a" : String.format(Locale.ROOT, "%.3f", value);
    }

    private static String dollars(OutputResult result) {
        return String.format(Locale.ROOT, "$%.4f", result.costPer1000());
    }
}
