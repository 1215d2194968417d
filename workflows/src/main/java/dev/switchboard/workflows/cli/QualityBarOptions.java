package dev.switchboard.workflows.cli;

import dev.switchboard.workflows.eval.ModelResult;
import java.io.PrintWriter;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Option;

/** {@code --min-accuracy} and {@code --min-macro-f1}: the bar that turns an evaluation into a CI gate. */
final class QualityBarOptions {

    @Option(names = "--min-accuracy", paramLabel = "SHARE", description = "Exit 1 when a model's accuracy is below this (0 to 1).")
    Double minAccuracy;

    @Option(names = "--min-macro-f1", paramLabel = "SHARE", description = "Exit 1 when a model's macro-F1 is below this (0 to 1).")
    Double minMacroF1;

    /** Prints a FAIL line for each figure below the bar, or PASS when there is a bar and every model meets it; returns the exit status. */
    int gate(PrintWriter out, PrintWriter err, List<ModelResult> results) {
        boolean below = false;
        for (ModelResult r : results) {
            below |= below(err, r.model(), "accuracy", r.scores().accuracy(), "--min-accuracy", minAccuracy);
            below |= below(err, r.model(), "macro-F1", r.scores().macroF1(), "--min-macro-f1", minMacroF1);
        }
        if (!below && (minAccuracy != null || minMacroF1 != null)) {
            out.println("PASS: every model meets the bar");
        }
        return below ? SwitchboardCli.FAILED : 0;
    }

    private static boolean below(PrintWriter err, String model, String measure, double value, String option, Double bar) {
        if (bar == null || value >= bar) {
            return false;
        }
        err.printf(Locale.ROOT, "FAIL: model '%s' %s %.2f%% is below %s %.2f%%%n", model, measure, value * 100, option, bar * 100);
        return true;
    }
}
