package dev.switchboard.workflows.cli;

import dev.switchboard.workflows.eval.OptionsRecords;
import dev.switchboard.workflows.model.StepSpec;
import dev.switchboard.workflows.model.Workflow;
import dev.switchboard.workflows.replay.Agreement;
import dev.switchboard.workflows.replay.Replay;
import dev.switchboard.workflows.replay.ReplayReport;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code switchboard replay}: a variant of a workflow over past events from Kafka, compared with what the live workflow did. */
@Command(name = "replay", header = "Runs a variant of a workflow over past events from Kafka and compares its tasks with the live workflow's.",
        description = {
            "Runs a variant of a workflow (another YAML file, or the same with --model) over past events read from Kafka, by time range or "
                    + "offsets, in its own consumer group that never commits, and compares its tasks with the live workflow's: agreement, label "
                    + "changes, score deltas, field diffs, cost and latency.",
            "Nothing is delivered and nothing is written to Kafka: the variant's tasks are only recorded. Writes replay.md, replay.json and "
                    + "diffs.jsonl.",
            "Exits 1 when agreement is below --min-agreement, 2 on invalid input."})
final class ReplayCommand extends CliCommand {

    @Mixin
    WorkflowFileOptions variant;

    @Option(names = {"-b", "--bootstrap-servers"}, paramLabel = "HOST:PORT",
            description = "The Kafka cluster to read; default: kafka.bootstrap_servers of the configuration.")
    String bootstrapServers;

    @Option(names = "--live", paramLabel = "NAME", description = "The live workflow to compare with, by name (default: the variant's name).")
    String live;

    @Option(names = "--model", paramLabel = "MODEL", description = "Run every model step of the variant with this model or alias instead of its own.")
    String model;

    @Mixin
    EventRangeOptions range;

    @Option(names = "--batch-size", defaultValue = "64", paramLabel = "EVENTS", description = "Events per batch (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--tolerance", defaultValue = "0.05", description = "Numbers in tasks (scores, confidences) that differ by at most this "
            + "still agree; the deltas are reported either way (default: ${DEFAULT-VALUE}).")
    double tolerance;

    @Mixin
    ReportFolderOption reports;

    @Option(names = "--min-agreement", paramLabel = "SHARE", description = "Exit 1 when the share of events with the same tasks is below this (0 to 1).")
    Double minAgreement;

    @Override
    public Integer call() throws Exception {
        range.check();
        if (batchSize < 1) {
            throw CommandFailure.invalid("--batch-size must be at least 1");
        }
        try (LoadedWorkflow loaded = variant.load(err())) {
            String servers = bootstrapServers != null ? bootstrapServers : loaded.config().kafka().bootstrapServers();
            if (servers == null || servers.isBlank()) {
                throw CommandFailure.invalid("No Kafka cluster to read: a replay reads the events of a running cluster. Pass --bootstrap-servers, "
                        + "or set kafka.bootstrap_servers in the configuration (an embedded broker's address is printed when it starts)");
            }
            Workflow workflow = loaded.workflow();
            if (model != null) {
                loaded.requireModel(model);
                workflow = withModel(workflow, model);
            }
            String liveName = live == null ? workflow.name() : live;
            Map<String, String> properties = loaded.config().kafka().properties();
            Replay replay = new Replay(new Replay.Cluster(servers, properties == null ? Map.of() : properties,
                    loaded.config().topics().tasks(), loaded.config().topics().audit()), loaded.environment());
            ProgressBar bar = new ProgressBar(err(), "replay " + workflow.name());
            ReplayReport report;
            try {
                report = replay.run(new Replay.Request(workflow, liveName, range.fromTime(), range.toTime(), range.fromOffset, range.toOffset,
                        range.limit, batchSize, tolerance), bar::update);
            } catch (IllegalStateException e) {
                throw CommandFailure.invalid(e.getMessage());
            }
            Path folder = reports.resolve(workflow.name());
            report.write(folder);
            print(out(), report, liveName);
            out().println("Report: " + folder.resolve("replay.md"));
            if (minAgreement != null && !(report.agreement().agreement() >= minAgreement)) {
                err().printf(Locale.ROOT, "FAIL: agreement %s is below --min-agreement %s%n", ReplayReport.percent(report.agreement().agreement()),
                        ReplayReport.percent(minAgreement));
                return SwitchboardCli.FAILED;
            }
            return 0;
        }
    }

    private static void print(PrintWriter out, ReplayReport report, String liveName) {
        Agreement agreement = report.agreement();
        out.printf(Locale.ROOT, "Replayed %d events of %s against %s: %s agree (%d same, %d changed, %d dropped, %d new, %d without a task)%n",
                agreement.events(), report.topic(), liveName, ReplayReport.percent(agreement.agreement()), agreement.same(),
                agreement.changed(), agreement.dropped(), agreement.added(), agreement.noTask());
        agreement.attributes().forEach((name, changes) -> out.printf(Locale.ROOT, "  %-28s %d events changed%s%n", name, changes.changes(),
                Double.isNaN(changes.meanDelta()) ? "" : String.format(Locale.ROOT, " (mean absolute delta %.4f)", changes.meanAbsDelta())));
        out.printf(Locale.ROOT, "  cost per 1,000 events: live $%.4f, variant $%.4f; model time p50: live %.1f ms, variant %.1f ms%n",
                report.liveCalls().costPer1000(), report.variantCalls().costPer1000(), report.liveCalls().p50Millis(),
                report.variantCalls().p50Millis());
    }

    /** The workflow with every step that has a {@code model} option running on {@code model}. */
    static Workflow withModel(Workflow workflow, String model) {
        List<StepSpec> steps = new ArrayList<>();
        for (StepSpec step : workflow.steps()) {
            boolean hasModel = OptionsRecords.has(step.options().getClass(), "model");
            steps.add(hasModel ? new StepSpec(step.id(), step.when(), step.type(), step.factory(),
                    OptionsRecords.copy(step.options(), Map.of("model", model)), step.line()) : step);
        }
        return new Workflow(workflow.name(), workflow.description(), workflow.on(), steps, workflow.file(), workflow.budget());
    }
}
