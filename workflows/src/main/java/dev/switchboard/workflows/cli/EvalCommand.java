package dev.switchboard.workflows.cli;

import dev.switchboard.schemas.spi.StepEnvironment;
import dev.switchboard.workflows.eval.CrmFile;
import dev.switchboard.workflows.eval.Dataset;
import dev.switchboard.workflows.eval.EvalReport;
import dev.switchboard.workflows.eval.Evaluation;
import dev.switchboard.workflows.eval.Judge;
import dev.switchboard.workflows.eval.ModelResult;
import dev.switchboard.workflows.eval.OutputResult;
import dev.switchboard.workflows.eval.RowEvent;
import dev.switchboard.workflows.model.StepSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code switchboard eval}: a workflow's model step over a labelled dataset, per model, with reports and a quality bar. */
@Command(name = "eval", modelTransformer = OutputBarOptions.Declared.class, header = "Scores a workflow's classify, extract, score, summarize or draft step on a labelled dataset, model by model, against a quality bar.",
        description = {
            "Runs a workflow over a labelled dataset (CSV or JSON Lines) up to one of its classify steps, with one or more models, and reports "
                    + "per model accuracy, macro-F1, per-label precision, recall and F1, confusion, review rate, cost per 1,000 rows, p50 and p95 "
                    + "latency and cache hits.",
            "Each row becomes an event with the row's fields as data; --type, --source and --subject (or their -column forms) set the "
                    + "rest, so the workflow's filter and conditions see what they test. Rows they leave out are shown as skipped and not scored.",
            "An extract step (--label-column names each row's expected record, an object of fields) is scored per field, values "
                    + "normalized (dates, amounts, trimmed and case-folded text), by whole-record exact match, and by precision and recall "
                    + "on its optional fields. A score step (--label-column names the expected number) is scored by mean absolute error, "
                    + "Spearman's rank correlation, the share within --tolerance, and per confidence band. A summarize or draft step "
                    + "(--label-column names the reference answer, or an object with reference and the answering article ids) is scored by "
                    + "ROUGE-L and embedding similarity, and a draft also by the validity, precision and recall of its citations and by its "
                    + "groundedness (the share of its sentences the retrieved articles support). With --judge and --rubric a judge "
                    + "model grades each text on the rubric's criteria, with or without a reference, and its own calls are accounted.",
            "Writes report.md, report.html (charts), report.json, and confusion and prediction files per model.",
            "Exits 1 when a model is below --min-accuracy or --min-macro-f1 (classify), --min-field-accuracy or --min-exact-match "
                    + "(extract), --min-spearman or --min-within, or above --max-mae (score), below --min-rouge-l, --min-similarity, "
                    + "--min-citation-validity, --min-groundedness or --min-judge-score (summarize, draft); 2 on invalid input, when every row was skipped, or when the judge's next call could pass the workflow's budget.daily_usd."})
final class EvalCommand extends CliCommand {

    @Mixin
    WorkflowFileOptions workflow;

    @Mixin
    DatasetOptions dataset;

    @Mixin
    EvaluatedStepOptions evaluated;

    @Mixin
    RowEventOptions events;

    @Mixin
    RowSelectionOptions rows;

    @Mixin
    ReportFolderOption reports;

    @Mixin
    QualityBarOptions bar;

    @Mixin
    OutputBarOptions outputBar;

    @Mixin
    JudgeOptions judging;

    @Option(names = "--crm", paramLabel = "[ENTITY=]FILE",
            description = "CRM tables for crm.lookup steps, from files instead of Kafka: FILE of crm.<entity>.<change> events, or "
                    + "<entity>=FILE of one entity's records (JSON Lines). Repeat for more files.")
    List<String> crm = new ArrayList<>();

    @Override
    public Integer call() throws IOException {
        dataset.requireFile();
        rows.check();
        // eval sends nothing: a secret missing here is a warning, and everything else is still checked
        try (LoadedWorkflow loaded = workflow.loadForChecks(err())) {
            StepSpec target = evaluated.target(loaded.workflow());
            List<String> names = evaluated.models(target);
            names.forEach(loaded::requireModel);
            Judge judge = judging.judge(loaded.models(), loaded.workflow(), target.type());
            Dataset data = dataset.read(judge == null);
            dataset.requireColumn(data, evaluated.textColumn, "--text-column");
            RowEvent rowEvent = events.rowEvent(dataset, data);
            List<String> notes = new ArrayList<>();
            data = rows.select(data, dataset.labelColumn, notes);
            if (judge != null) {
                judging.recordPrompt(judge, loaded, out());
            }
            Evaluation evaluation = new Evaluation(crmTables(loaded.environment()), loaded.models());
            Evaluation.Request request = evaluated.request(loaded.workflow(), dataset.labelColumn, rows.batchSize, rowEvent);
            if (!target.type().equals("classify")) {
                Dataset selected = data;
                String references = data.hasColumn(dataset.labelColumn) ? dataset.labelColumn : null;
                return new OutputEvalRun(out(), err(), reports).run(loaded.workflow().name(), target, dataset.file.getFileName().toString(),
                        commandLine(), notes, names, name -> {
                            OutputResult result = evaluation.runOutputs(request, selected, name, outputBar.tolerance,
                                    new ProgressBar(err(), name)::update);
                            return judge == null ? result : judge.grade(result, selected, references);
                        }, outputBar, judging);
            }
            List<ModelResult> results = new ArrayList<>();
            for (String name : names) {
                ProgressBar progress = new ProgressBar(err(), name);
                try {
                    results.add(evaluation.run(request, data, name, progress::update));
                } catch (IllegalArgumentException | IllegalStateException e) {
                    throw CommandFailure.invalid("Model '" + name + "' could not be evaluated: " + e.getMessage());
                }
            }
            requireScoredRows(results);
            String workflowName = loaded.workflow().name();
            Path folder = reports.resolve(workflowName);
            new EvalReport(workflowName, target.id(), dataset.file.getFileName().toString(), commandLine(), notes, results).write(folder);
            print(out(), results);
            out().println("Reports: " + folder.resolve("report.md") + ", " + folder.resolve("report.html"));
            return bar.gate(out(), err(), results);
        }
    }

    private StepEnvironment crmTables(StepEnvironment environment) {
        if (crm.isEmpty()) {
            return environment;
        }
        try {
            return CrmFile.read(crm, Path.of("")).serving(environment);
        } catch (IOException | IllegalArgumentException e) {
            throw CommandFailure.invalid("CRM file at --crm: " + e.getMessage());
        }
    }

    private static void print(PrintWriter out, List<ModelResult> results) {
        TextTable table = new TextTable("model", "rows", "skipped", "accuracy", "macro-F1", "review", "kept", "cost/1k", "p50 ms", "p95 ms", "cache")
                .alignRight(1, 2, 3, 4, 5, 6, 7, 8, 9, 10);
        for (ModelResult r : results) {
            table.row(r.model(), r.rows(), r.skipped(), percent(r.scores().accuracy(), 2), percent(r.scores().macroF1(), 2), percent(r.reviewRate(), 1),
                    percent(Double.isNaN(r.acceptedAccuracy()) ? 0 : r.acceptedAccuracy(), 2), String.format(Locale.ROOT, "$%.4f", r.costPer1000()),
                    String.format(Locale.ROOT, "%.1f", r.p50Millis()), String.format(Locale.ROOT, "%.1f", r.p95Millis()), r.cacheHits());
        }
        table.print(out);
        for (ModelResult r : results) {
            if (r.skipped() > 0) {
                out.printf(Locale.ROOT, "%s: %d of %d rows skipped, not scored: %s%n", r.model(), r.skipped(), r.rows(), r.skippedSummary());
            }
        }
        for (ModelResult r : results) {
            if (r.outOfScope() > 0) {
                out.printf(Locale.ROOT, "%s: %d out-of-scope rows, %.1f%% sent to review at threshold %.2f%n", r.model(), r.outOfScope(),
                        r.oosToReview() * 100, r.threshold());
            }
        }
    }

    /** An evaluation that scored nothing is not a score of 0: say why every row was skipped and how rows set what the workflow tests. */
    private static void requireScoredRows(List<ModelResult> results) {
        ModelResult first = results.get(0);
        if (first.rows() > 0 && results.stream().allMatch(result -> result.skipped() == result.rows())) {
            throw CommandFailure.invalid("Every row was skipped, so nothing was scored: " + first.skippedSummary() + ". A row's event has the "
                    + "workflow's first type and source '" + RowEvent.DEFAULT_SOURCE + "' unless set: name them with --type or --type-column, "
                    + "--source or --source-column, --subject or --subject-column, so the workflow's filter and conditions see what they test");
        }
    }

    private static String percent(double share, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f%%", share * 100);
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
