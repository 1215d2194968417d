package dev.switchboard.workflows.cli;

import dev.switchboard.llm.ModelRegistry;
import dev.switchboard.workflows.eval.Dataset;
import dev.switchboard.workflows.eval.EvalReport;
import dev.switchboard.workflows.eval.Evaluation;
import dev.switchboard.workflows.eval.ModelResult;
import dev.switchboard.workflows.eval.OptionsRecords;
import dev.switchboard.workflows.model.StepSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code switchboard eval}: a workflow's classify step over a labelled dataset, per model, with reports and a quality bar. */
@Command(name = "eval", header = "Scores a workflow's classify step on a labelled dataset, model by model, against a quality bar.",
        description = {
            "Runs a workflow over a labelled dataset (CSV or JSON Lines) up to one of its classify steps, with one or more models, and reports "
                    + "per model accuracy, macro-F1, per-label precision, recall and F1, confusion, review rate, cost per 1,000 rows, p50 and p95 "
                    + "latency and cache hits.",
            "Writes report.md, report.html (charts), report.json, and confusion and prediction files per model.",
            "Exits 1 when a model is below --min-accuracy or --min-macro-f1, 2 on invalid input."})
final class EvalCommand implements Callable<Integer> {

    @Mixin
    WorkflowFileOptions workflow;

    @Mixin
    DatasetOptions dataset;

    @Option(names = "--step", paramLabel = "ID", description = "The classify step to score (default: the first one).")
    String step;

    @Option(names = "--text-column", paramLabel = "FIELD", description = "Classify this field instead of the step's input.")
    String textColumn;

    @Option(names = "--input", paramLabel = "TEMPLATE",
            description = "A template over the row's fields (event.data.<field>) instead of the step's input, e.g. \"{{ event.data.subject }}\".")
    String input;

    @Option(names = "--model", paramLabel = "MODEL", description = "A model or alias to evaluate; repeat to compare (default: the step's own).")
    List<String> models = new ArrayList<>();

    @Option(names = "--min-confidence", paramLabel = "SHARE",
            description = "Answers below this confidence count as sent to review (default: the step's min_confidence, else 0).")
    Double minConfidence;

    @Option(names = "--sample", paramLabel = "ROWS", description = "Evaluate a stratified sample of this many rows, picked with --seed.")
    Integer sample;

    @Option(names = "--limit", paramLabel = "ROWS", description = "Evaluate the first rows only.")
    Integer limit;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of --sample (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--batch-size", defaultValue = "64", paramLabel = "ROWS", description = "Rows per batch (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Mixin
    ReportFolderOption reports;

    @Option(names = "--min-accuracy", paramLabel = "SHARE", description = "Exit 1 when a model's accuracy is below this (0 to 1).")
    Double minAccuracy;

    @Option(names = "--min-macro-f1", paramLabel = "SHARE", description = "Exit 1 when a model's macro-F1 is below this (0 to 1).")
    Double minMacroF1;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        dataset.requireFile();
        if (batchSize < 1 || (sample != null && sample < 1) || (limit != null && limit < 1)) {
            throw CommandFailure.invalid("--batch-size, --sample and --limit must be at least 1");
        }
        try (LoadedWorkflow loaded = workflow.load()) {
            StepSpec target = target(loaded);
            List<String> names = new ArrayList<>(models);
            if (names.isEmpty()) {
                Object own = OptionsRecords.read(target.options(), "model");
                names.add(own == null ? ModelRegistry.EMBEDDED : own.toString());
            }
            names.forEach(loaded::requireModel);
            Dataset rows = dataset.read();
            dataset.requireColumn(rows, textColumn, "--text-column");
            List<String> notes = new ArrayList<>();
            rows = select(rows, notes);
            Evaluation evaluation = new Evaluation(loaded.environment(), loaded.models());
            Evaluation.Request request = new Evaluation.Request(loaded.workflow(), step, textColumn, input, dataset.labelColumn, minConfidence,
                    batchSize);
            List<ModelResult> results = new ArrayList<>();
            for (String name : names) {
                ProgressBar bar = new ProgressBar(err, name);
                try {
                    results.add(evaluation.run(request, rows, name, bar::update));
                } catch (IllegalArgumentException | IllegalStateException e) {
                    throw CommandFailure.invalid("Model '" + name + "' could not be evaluated: " + e.getMessage());
                }
            }
            String workflowName = loaded.workflow().name();
            Path folder = reports.resolve(workflowName);
            new EvalReport(workflowName, target.id(), dataset.file.getFileName().toString(), commandLine(), notes, results).write(folder);
            print(out, results);
            out.println("Reports: " + folder.resolve("report.md") + ", " + folder.resolve("report.html"));
            return gate(out, err, results);
        }
    }

    private StepSpec target(LoadedWorkflow loaded) {
        try {
            return Evaluation.target(loaded.workflow(), step);
        } catch (IllegalArgumentException e) {
            throw CommandFailure.invalid(e.getMessage());
        }
    }

    /** The rows --sample and --limit keep, with a note for the reports on each. */
    private Dataset select(Dataset rows, List<String> notes) {
        int total = rows.rows().size();
        if (sample != null) {
            rows = rows.sample(dataset.labelColumn, sample, seed);
            notes.add("Stratified sample of " + rows.rows().size() + " of " + total + " rows (seed " + seed + ")");
        }
        if (limit != null) {
            rows = rows.head(limit);
            notes.add("First " + rows.rows().size() + " rows");
        }
        return rows;
    }

    private static void print(PrintWriter out, List<ModelResult> results) {
        TextTable table = new TextTable("model", "rows", "accuracy", "macro-F1", "review", "kept", "cost/1k", "p50 ms", "p95 ms", "cache")
                .alignRight(1, 2, 3, 4, 5, 6, 7, 8, 9);
        for (ModelResult r : results) {
            table.row(r.model(), r.rows(), percent(r.scores().accuracy(), 2), percent(r.scores().macroF1(), 2), percent(r.reviewRate(), 1),
                    percent(Double.isNaN(r.acceptedAccuracy()) ? 0 : r.acceptedAccuracy(), 2), String.format(Locale.ROOT, "$%.4f", r.costPer1000()),
                    String.format(Locale.ROOT, "%.1f", r.p50Millis()), String.format(Locale.ROOT, "%.1f", r.p95Millis()), r.cacheHits());
        }
        table.print(out);
        for (ModelResult r : results) {
            if (r.outOfScope() > 0) {
                out.printf(Locale.ROOT, "%s: %d out-of-scope rows, %.1f%% sent to review at threshold %.2f%n", r.model(), r.outOfScope(),
                        r.oosToReview() * 100, r.threshold());
            }
        }
    }

    private static String percent(double share, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f%%", share * 100);
    }

    private int gate(PrintWriter out, PrintWriter err, List<ModelResult> results) {
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

    private String commandLine() {
        List<String> args = spec.commandLine().getParseResult() == null ? List.of() : spec.commandLine().getParseResult().originalArgs();
        StringBuilder command = new StringBuilder("switchboard");
        for (String arg : args) {
            command.append(' ').append(arg.matches("[A-Za-z0-9_./=:,@+-]+") ? arg : "'" + arg.replace("'", "'\\''") + "'");
        }
        return command.toString();
    }
}
