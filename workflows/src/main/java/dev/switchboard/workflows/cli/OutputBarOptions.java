package dev.switchboard.workflows.cli;

import dev.switchboard.workflows.eval.OutputResult;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/** The bars of an extract or score step's evaluation: each figure below (or, for the error, above) its bar exits 1. */
final class OutputBarOptions {

    @Option(names = "--min-exact-match", paramLabel = "SHARE", description = "extract: exit 1 when the share of records right in every field is below this.")
    Double minExactMatch;

    @Option(names = "--min-field-accuracy", paramLabel = "SHARE", description = "extract: exit 1 when any field's accuracy is below this.")
    Double minFieldAccuracy;

    @Option(names = "--max-mae", paramLabel = "NUMBER", description = "score: exit 1 when the mean absolute error is above this.")
    Double maxMae;

    @Option(names = "--min-spearman", paramLabel = "NUMBER", description = "score: exit 1 when Spearman's rank correlation is below this (-1 to 1).")
    Double minSpearman;

    @Option(names = "--min-within", paramLabel = "SHARE", description = "score: exit 1 when the share of rows within --tolerance is below this.")
    Double minWithin;

    @Option(names = "--min-rouge-l", paramLabel = "SHARE", description = "summarize, draft: exit 1 when the mean ROUGE-L against the references is below this.")
    Double minRougeL;

    @Option(names = "--min-similarity", paramLabel = "SHARE",
            description = "summarize, draft: exit 1 when the mean embedding similarity to the references is below this.")
    Double minSimilarity;

    @Option(names = "--min-citation-validity", paramLabel = "SHARE",
            description = "draft: exit 1 when the share of rows with a draft citing only retrieved articles is below this.")
    Double minCitationValidity;

    @Option(names = "--min-groundedness", paramLabel = "SHARE",
            description = "draft: exit 1 when the mean share of draft sentences supported by the retrieved articles is below this.")
    Double minGroundedness;

    @Option(names = "--tolerance", defaultValue = "0", paramLabel = "NUMBER",
            description = "score: how far from the expected score an answer may be and still count as within (default: ${DEFAULT-VALUE}).")
    double tolerance;

    int gate(PrintWriter out, PrintWriter err, List<OutputResult> results, JudgeOptions judge) {
        boolean below = false;
        for (OutputResult r : results) {
            if (r.extract() != null) {
                below |= fails(err, r.model(), "exact-record match", r.extract().exactMatch(), "--min-exact-match", minExactMatch, false);
                for (var field : r.extract().fields().entrySet()) {
                    below |= fails(err, r.model(), "field '" + field.getKey() + "' accuracy", field.getValue().accuracy(), "--min-field-accuracy",
                            minFieldAccuracy, false);
                }
            } else if (r.text() != null) {
                below |= fails(err, r.model(), "ROUGE-L", r.text().rougeL(), "--min-rouge-l", minRougeL, false);
                below |= fails(err, r.model(), "embedding similarity", r.text().similarity(), "--min-similarity", minSimilarity, false);
                if (r.stepType().equals("draft")) {
                    below |= fails(err, r.model(), "citation validity", r.text().citationValidity(), "--min-citation-validity", minCitationValidity, false);
                    below |= fails(err, r.model(), "groundedness", r.text().groundedness(), "--min-groundedness", minGroundedness, false);
                }
            } else {
                below |= fails(err, r.model(), "MAE", r.score().mae(), "--max-mae", maxMae, true);
                below |= fails(err, r.model(), "Spearman", r.score().spearman(), "--min-spearman", minSpearman, false);
                below |= fails(err, r.model(), "share within tolerance", r.score().withinTolerance(), "--min-within", minWithin, false);
            }
        }
        below |= judge.gate(err, results);
        boolean anyBar = judge.minJudgeScore != null || minExactMatch != null || minFieldAccuracy != null || maxMae != null || minSpearman != null || minWithin != null
                || minRougeL != null || minSimilarity != null || minCitationValidity != null;
        if (!below && anyBar) {
            out.println("PASS: every model meets the bar");
        }
        return below ? SwitchboardCli.FAILED : 0;
    }

    /** A figure that is not a number (nothing answered) never meets a bar. */
    private static boolean fails(PrintWriter err, String model, String measure, double value, String option, Double bar, boolean isMaximum) {
        if (bar == null || !Double.isNaN(value) && (isMaximum ? value <= bar : value >= bar)) {
            return false;
        }
        err.printf(Locale.ROOT, "FAIL: model '%s' %s %.4f is %s %s %.4f%n", model, measure, value, isMaximum ? "above" : "below", option, bar);
        return true;
    }
}
