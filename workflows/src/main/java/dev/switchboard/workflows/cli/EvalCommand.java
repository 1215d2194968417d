package dev.switchboard.workflows.cli;

import dev.switchboard.llm.ModelRegistry;
import dev.switchboard.schemas.spi.StepEnvironment;
import dev.switchboard.workflows.config.EngineConfig;
import dev.switchboard.workflows.eval.Dataset;
import dev.switchboard.workflows.eval.EvalReport;
import dev.switchboard.workflows.eval.Evaluation;
import dev.switchboard.workflows.eval.ModelResult;
import dev.switchboard.workflows.model.StepTypes;
import dev.switchboard.workflows.model.Workflow;
import dev.switchboard.workflows.model.WorkflowLoader;
import dev.switchboard.workflows.runtime.EngineStepEnvironment;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code switchboard eval}: a workflow's classify step over a labelled dataset, per model, with reports and a quality bar. */
@Command(name = "eval", description = {
        "Runs a workflow over a labelled dataset (CSV or JSON Lines) up to one of its classify steps, with one or more models,",
        "and reports per model accuracy, macro-F1, per-label precision/recall/F1, confusion, review rate, cost per 1,000 rows,",
        "p50/p95 latency and cache hits. Writes report.md, report.html (charts), report.json, confusion and prediction files.",
        "Exits 1 when a model is below --min-accuracy or --min-macro-f1, 2 on invalid input."})
final class EvalCommand implements Callable<Integer> {

    /** Exit code when a model is below the bar. */
    static final int BELOW_BAR = 1;

    @Parameters(index = "0", description = "The workflow file.")
    Path workflowFile;

    @Option(names = {"-c", "--config"}, description = "Engine configuration with the models; default: switchboard.yaml beside the workflow, if any.")
    Path config;

    @Option(names = "--dataset", required = true, description = "Labelled dataset: .csv with a header row, or .jsonl.")
    Path dataset;

    @Option(names = "--step", description = "The classify step to score (default: the first one).")
    String step;

    @Option(names = "--text-column", description = "Classify this field instead of the step's input.")
    String textColumn;

    @Option(names = "--input", description = "A template over the row's fields (event.data.<field>) instead of the step's input, e.g. \"{{ event.data.subject }}\".")
    String input;

    @Option(names = "--label-column", defaultValue = "label", description = "Field with the expected label (default: ${DEFAULT-VALUE}).")
    String labelColumn;

    @Option(names = "--model", description = "A model or alias to evaluate; repeat to compare (default: the step's own).")
    List<String> models = new ArrayList<>();

    @Option(names = "--min-confidence", description = "Answers below this confidence count as sent to review (default: the step's min_confidence, else 0).")
    Double minConfidence;

    @Option(names = "--sample", description = "Evaluate a stratified sample of this many rows, picked with --seed.")
    Integer sample;

    @Option(names = "--limit", description = "Evaluate the first rows only.")
    Integer limit;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of --sample (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--batch-size", defaultValue = "64", description = "Rows per batch (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--out", description = "Folder for the reports (default: out/eval/<workflow>).")
    Path out;

    @Option(names = "--min-accuracy", description = "Exit 1 when a model's accuracy is below this (0 to 1).")
    Double minAccuracy;

    @Option(names = "--min-macro-f1", description = "Exit 1 when a model's macro-F1 is below this (0 to 1).")
    Double minMacroF1;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path configFile = config;
        if (configFile == null && workflowFile.toAbsolutePath().getParent() != null) {
            Path beside = workflowFile.toAbsolutePath().getParent().resolve("switchboard.yaml");
            configFile = Files.isRegularFile(beside) ? beside : null;
        }
        EngineConfig engineConfig = SwitchboardCli.loadConfigForChecks(configFile, err);
        if (engineConfig == null) {
            return SwitchboardCli.INVALID;
        }
        if (!Files.isRegularFile(dataset)) {
            err.println("No dataset at " + dataset + ". Name a .csv or .jsonl file with --dataset");
            return SwitchboardCli.INVALID;
        }
        if (batchSize < 1 || (sample != null && sample < 1) || (limit != null && limit < 1)) {
            err.println("--batch-size, --sample and --limit must be at least 1");
            return SwitchboardCli.INVALID;
        }
        try (ModelRegistry registry = new ModelRegistry(engineConfig.models(), engineConfig.aliases())) {
            StepEnvironment environment = new EngineStepEnvironment(engineConfig, registry);
            WorkflowLoader loader = new WorkflowLoader(StepTypes.installed(), folder -> environment).forChecks();
            List<Workflow> loaded = SwitchboardCli.loadWorkflows(loader, List.of(workflowFile), err);
            if (loaded == null) {
                return SwitchboardCli.INVALID;
            }
            Workflow workflow = loaded.get(0);
            Dataset data;
            Evaluation.Request request = new Evaluation.Request(workflow, step, textColumn, input, labelColumn, minConfidence, batchSize);
            Evaluation evaluation = new Evaluation(environment, registry);
            String stepId;
            List<String> names = new ArrayList<>(models);
            try {
                var target = Evaluation.target(workflow, step);
                stepId = target.id();
                if (names.isEmpty()) {
                    Object own = componentModel(target.options());
                    names.add(own == null ? ModelRegistry.EMBEDDED : own.toString());
                }
                for (String name : names) {
                    if (!registry.contains(name)) {
                        err.println("Unknown model '" + name + "'; configured: " + registry.names() + ". Declare it under models: in "
                                + (configFile == null ? "a configuration passed with --config" : configFile));
                        return SwitchboardCli.INVALID;
                    }
                }
                data = Dataset.read(dataset);
                if (!data.columns().contains(labelColumn)) {
                    err.println("No field '" + labelColumn + "' in " + dataset + "; its fields: " + data.columns() + ". Name it with --label-column");
                    return SwitchboardCli.INVALID;
                }
                if (textColumn != null && !data.columns().contains(textColumn)) {
                    err.println("No field '" + textColumn + "' in " + dataset + "; its fields: " + data.columns() + ". Name it with --text-column");
                    return SwitchboardCli.INVALID;
                }
            } catch (IllegalArgumentException | IOException e) {
                err.println(e.getMessage());
                return SwitchboardCli.INVALID;
            }
            List<String> notes = new ArrayList<>();
            int total = data.rows().size();
            if (sample != null) {
                data = data.sample(labelColumn, sample, seed);
                notes.add("Stratified sample of " + data.rows().size() + " of " + total + " rows (seed " + seed + ")");
            }
            if (limit != null) {
                data = data.head(limit);
                notes.add("First " + data.rows().size() + " rows");
            }
            List<ModelResult> results = new ArrayList<>();
            for (String name : names) {
                ProgressBar bar = new ProgressBar(err, name);
                try {
                    results.add(evaluation.run(request, data, name, bar::update));
                } catch (IllegalArgumentException | IllegalStateException e) {
                    err.println("Model '" + name + "' could not be evaluated: " + e.getMessage());
                    return SwitchboardCli.INVALID;
                }
            }
            EvalReport report = new EvalReport(workflow.name(), stepId, dataset.getFileName().toString(), commandLine(), notes, results);
            Path folder = out == null ? Path.of("out", "eval", workflow.name()) : out;
            report.write(folder);
            print(stdout, results);
            stdout.println("Reports: " + folder.resolve("report.md") + ", " + folder.resolve("report.html"));
            return gate(stdout, err, results);
        }
    }

    private static Object componentModel(Record options) {
        for (var component : options.getClass().getRecordComponents()) {
            if (component.getName().equals("model")) {
                try {
                    return component.getAccessor().invoke(options);
                } catch (ReflectiveOperationException e) {
                    return null;
                }
            }
        }
        return null;
    }

    private static void print(PrintWriter out, List<ModelResult> results) {
        out.printf(Locale.ROOT, "%-22s %8s %9s %8s %8s %8s %10s %9s %9s %6s%n", "model", "rows", "accuracy", "macro-F1", "review",
                "kept", "cost/1k", "p50 ms", "p95 ms", "cache");
        for (ModelResult r : results) {
            out.printf(Locale.ROOT, "%-22s %8d %8.2f%% %7.2f%% %7.1f%% %7.2f%% %10s %9.1f %9.1f %6d%n", r.model(), r.rows(),
                    r.scores().accuracy() * 100, r.scores().macroF1() * 100, r.reviewRate() * 100,
                    Double.isNaN(r.acceptedAccuracy()) ? 0 : r.acceptedAccuracy() * 100, String.format(Locale.ROOT, "$%.4f", r.costPer1000()),
                    r.p50Millis(), r.p95Millis(), r.cacheHits());
            if (r.outOfScope() > 0) {
                out.printf(Locale.ROOT, "  %d out-of-scope rows: %.1f%% sent to review at threshold %.2f%n", r.outOfScope(),
                        r.oosToReview() * 100, r.threshold());
            }
        }
    }

    private int gate(PrintWriter out, PrintWriter err, List<ModelResult> results) {
        boolean below = false;
        for (ModelResult r : results) {
            if (minAccuracy != null && !(r.scores().accuracy() >= minAccuracy)) {
                err.printf(Locale.ROOT, "FAIL: model '%s' accuracy %.2f%% is below --min-accuracy %.2f%%%n", r.model(),
                        r.scores().accuracy() * 100, minAccuracy * 100);
                below = true;
            }
            if (minMacroF1 != null && !(r.scores().macroF1() >= minMacroF1)) {
                err.printf(Locale.ROOT, "FAIL: model '%s' macro-F1 %.2f%% is below --min-macro-f1 %.2f%%%n", r.model(),
                        r.scores().macroF1() * 100, minMacroF1 * 100);
                below = true;
            }
        }
        if (!below && (minAccuracy != null || minMacroF1 != null)) {
            out.println("PASS: every model meets the bar");
        }
        err.flush();
        return below ? BELOW_BAR : 0;
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
