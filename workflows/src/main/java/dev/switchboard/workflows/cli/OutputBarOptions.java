package dev.switchboard.workflows.cli;

import dev.switchboard.workflows.eval.OutputResult;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The bars of an extract, score, summarize or draft step's evaluation: each figure below (or, for the error, above)
 * its bar exits 1. The bars are one table: each row declares its option (through {@link Declared}) and the figures it
 * holds up, so adding a bar is adding a row.
 */
final class OutputBarOptions {

    /** One bar: its option, and the figures of a result it applies to, by the measure's name (none when it does not apply). */
    private record Bar(String option, String paramLabel, String description, boolean isMaximum,
                       Function<OutputResult, Map<String, Double>> figures) {
    }

    private static final List<Bar> BARS = List.of(
            new Bar("--min-exact-match", "SHARE", "extract: exit 1 when the share of records right in every field is below this.", false,
                    r -> r.extract() == null ? Map.of() : Map.of("exact-record match", r.extract().exactMatch())),
            new Bar("--min-field-accuracy", "SHARE", "extract: exit 1 when any field's accuracy is below this.", false,
                    OutputBarOptions::fieldAccuracies),
            new Bar("--max-mae", "NUMBER", "score: exit 1 when the mean absolute error is above this.", true,
                    r -> scored(r) ? Map.of("MAE", r.score().mae()) : Map.of()),
            new Bar("--min-spearman", "NUMBER", "score: exit 1 when Spearman's rank correlation is below this (-1 to 1).", false,
                    r -> scored(r) ? Map.of("Spearman", r.score().spearman()) : Map.of()),
            new Bar("--min-within", "SHARE", "score: exit 1 when the share of rows within --tolerance is below this.", false,
                    r -> scored(r) ? Map.of("share within tolerance", r.score().withinTolerance()) : Map.of()),
            new Bar("--min-rouge-l", "SHARE", "summarize, draft: exit 1 when the mean ROUGE-L against the references is below this.", false,
                    r -> written(r, false) ? Map.of("ROUGE-L", r.text().rougeL()) : Map.of()),
            new Bar("--min-similarity", "SHARE", "summarize, draft: exit 1 when the mean embedding similarity to the references is below this.",
                    false, r -> written(r, false) ? Map.of("embedding similarity", r.text().similarity()) : Map.of()),
            new Bar("--min-citation-validity", "SHARE",
                    "draft: exit 1 when the share of rows with a draft citing only retrieved articles is below this.", false,
                    r -> written(r, true) ? Map.of("citation validity", r.text().citationValidity()) : Map.of()),
            new Bar("--min-groundedness", "SHARE",
                    "draft: exit 1 when the mean share of draft sentences supported by the retrieved articles is below this.", false,
                    r -> written(r, true) ? Map.of("groundedness", r.text().groundedness()) : Map.of()));

    /** Adds one option per bar to the command; picocli calls it once, when the command line is built. */
    static final class Declared implements CommandLine.IModelTransformer {
        @Override
        public CommandSpec transform(CommandSpec command) {
            for (Bar bar : BARS) {
                command.addOption(OptionSpec.builder(bar.option()).type(Double.class).paramLabel(bar.paramLabel())
                        .description(bar.description()).build());
            }
            return command;
        }
    }

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    @Option(names = "--tolerance", defaultValue = "0", paramLabel = "NUMBER",
            description = "score: how far from the expected score an answer may be and still count as within (default: ${DEFAULT-VALUE}).")
    double tolerance;

    int gate(PrintWriter out, PrintWriter err, List<OutputResult> results, JudgeOptions judge) {
        boolean below = false;
        for (OutputResult r : results) {
            for (Bar bar : BARS) {
                Double value = command.findOption(bar.option()).getValue();
                for (Map.Entry<String, Double> figure : bar.figures().apply(r).entrySet()) {
                    below |= fails(err, r.model(), figure.getKey(), figure.getValue(), bar.option(), value, bar.isMaximum());
                }
            }
        }
        below |= judge.gate(err, results);
        boolean anyBar = judge.minJudgeScore != null || BARS.stream().anyMatch(bar -> command.findOption(bar.option()).getValue() != null);
        if (!below && anyBar) {
            out.println("PASS: every model meets the bar");
        }
        return below ? SwitchboardCli.FAILED : 0;
    }

    private static Map<String, Double> fieldAccuracies(OutputResult r) {
        Map<String, Double> accuracies = new LinkedHashMap<>();
        if (r.extract() != null) {
            r.extract().fields().forEach((name, field) -> accuracies.put("field '" + name + "' accuracy", field.accuracy()));
        }
        return accuracies;
    }

    /** A score step's result: neither an extract step's records nor a summarize or draft step's texts. */
    private static boolean scored(OutputResult r) {
        return r.extract() == null && r.text() == null;
    }

    /** A summarize or draft step's result; with {@code draftOnly}, a draft step's. */
    private static boolean written(OutputResult r, boolean draftOnly) {
        return r.extract() == null && r.text() != null && (!draftOnly || r.stepType().equals("draft"));
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
