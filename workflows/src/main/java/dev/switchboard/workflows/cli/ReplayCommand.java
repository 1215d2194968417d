package dev.switchboard.workflows.cli;

import dev.switchboard.llm.ModelRegistry;
import dev.switchboard.schemas.spi.StepEnvironment;
import dev.switchboard.workflows.config.EngineConfig;
import dev.switchboard.workflows.eval.OptionsRecords;
import dev.switchboard.workflows.model.StepSpec;
import dev.switchboard.workflows.model.StepTypes;
import dev.switchboard.workflows.model.Workflow;
import dev.switchboard.workflows.model.WorkflowLoader;
import dev.switchboard.workflows.replay.Agreement;
import dev.switchboard.workflows.replay.Replay;
import dev.switchboard.workflows.replay.ReplayReport;
import dev.switchboard.workflows.runtime.Engine;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code switchboard replay}: a variant of a workflow over past events from Kafka, compared with what the live workflow did. */
@Command(name = "replay", description = {
        "Runs a variant of a workflow (another YAML file, or the same with --model) over past events read from Kafka, by time",
        "range or offsets, in its own consumer group that never commits, and compares its tasks with the live workflow's:",
        "agreement, label changes, score deltas, field diffs, cost and latency. Nothing is delivered and nothing is written",
        "to Kafka: the variant's tasks are only recorded. Writes replay.md, replay.json and diffs.jsonl.",
        "Exits 1 when agreement is below --min-agreement, 2 on invalid input."})
final class ReplayCommand implements Callable<Integer> {

    @Parameters(index = "0", description = "The variant workflow file.")
    Path workflowFile;

    @Option(names = {"-c", "--config"}, description = "Engine configuration (Kafka, topics, models); default: switchboard.yaml beside the workflow, if any.")
    Path config;

    @Option(names = {"-b", "--bootstrap-servers"}, description = "The Kafka cluster to read; default: kafka.bootstrap_servers of the configuration.")
    String bootstrapServers;

    @Option(names = "--live", description = "The live workflow to compare with, by name (default: the variant's name).")
    String live;

    @Option(names = "--model", description = "Run every model step of the variant with this model or alias instead of its own.")
    String model;

    @Option(names = "--from", description = "First event time, ISO-8601, e.g. 2026-11-28T09:00:00Z (default: the beginning).")
    String from;

    @Option(names = "--to", description = "Events before this time, ISO-8601 (default: up to now).")
    String to;

    @Option(names = "--from-offset", description = "First offset in every partition, when --from is not given.")
    Long fromOffset;

    @Option(names = "--to-offset", description = "Offsets below this in every partition, when --to is not given.")
    Long toOffset;

    @Option(names = "--limit", defaultValue = "0", description = "At most this many events; 0 for all (default: ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--batch-size", defaultValue = "64", description = "Events per batch (default: ${DEFAULT-VALUE}).")
    int batchSize;

    @Option(names = "--tolerance", defaultValue = "0.05", description = "Numbers in tasks (scores, confidences) that differ by at most this still agree; the deltas are reported either way (default: ${DEFAULT-VALUE}).")
    double tolerance;

    @Option(names = "--out", description = "Folder for the reports (default: out/replay/<variant>).")
    Path out;

    @Option(names = "--min-agreement", description = "Exit 1 when the share of events with the same tasks is below this (0 to 1).")
    Double minAgreement;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter stdout = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Path configFile = config;
        if (configFile == null && workflowFile.toAbsolutePath().getParent() != null) {
            Path beside = workflowFile.toAbsolutePath().getParent().resolve("switchboard.yaml");
            configFile = Files.isRegularFile(beside) ? beside : null;
        }
        EngineConfig engineConfig = SwitchboardCli.loadConfig(configFile, err);
        if (engineConfig == null) {
            return SwitchboardCli.INVALID;
        }
        String servers = bootstrapServers != null ? bootstrapServers : engineConfig.kafka().bootstrapServers();
        if (servers == null || servers.isBlank()) {
            err.println("No Kafka cluster to read: a replay reads the events of a running cluster. Pass --bootstrap-servers, "
                    + "or set kafka.bootstrap_servers in the configuration (an embedded broker's address is printed when it starts)");
            return SwitchboardCli.INVALID;
        }
        Instant fromTime;
        Instant toTime;
        try {
            fromTime = from == null ? null : Instant.parse(from);
            toTime = to == null ? null : Instant.parse(to);
        } catch (DateTimeParseException e) {
            err.println("Invalid time: " + e.getParsedString() + ". Write ISO-8601 with a zone, e.g. 2026-11-28T09:00:00Z");
            return SwitchboardCli.INVALID;
        }
        if (batchSize < 1 || limit < 0) {
            err.println("--batch-size must be at least 1 and --limit 0 or more");
            return SwitchboardCli.INVALID;
        }
        try (ModelRegistry registry = new ModelRegistry(engineConfig.models(), engineConfig.aliases())) {
            StepEnvironment environment = Engine.stepEnvironment(engineConfig, registry);
            WorkflowLoader loader = new WorkflowLoader(StepTypes.installed(), folder -> environment);
            List<Workflow> loaded = SwitchboardCli.loadWorkflows(loader, List.of(workflowFile), err);
            if (loaded == null) {
                return SwitchboardCli.INVALID;
            }
            Workflow variant = loaded.get(0);
            if (model != null) {
                if (!registry.contains(model)) {
                    err.println("Unknown model '" + model + "'; configured: " + registry.names() + ". Declare it under models: in the configuration");
                    return SwitchboardCli.INVALID;
                }
                variant = withModel(variant, model);
            }
            String liveName = live == null ? variant.name() : live;
            Replay replay = new Replay(new Replay.Cluster(servers, engineConfig.kafka().properties() == null ? Map.of() : engineConfig.kafka().properties(),
                    engineConfig.topics().tasksOrDefault(), engineConfig.topics().auditOrDefault()), environment);
            ProgressBar bar = new ProgressBar(err, "replay " + variant.name());
            ReplayReport report = replay.run(new Replay.Request(variant, liveName, fromTime, toTime, fromOffset, toOffset, limit, batchSize, tolerance),
                    bar::update);
            Path folder = out == null ? Path.of("out", "replay", variant.name()) : out;
            report.write(folder);
            Agreement agreement = report.agreement();
            stdout.printf(Locale.ROOT, "Replayed %d events of %s against %s: %s agree (%d same, %d changed, %d dropped, %d new, %d without a task)%n",
                    agreement.events(), report.topic(), liveName, ReplayReportPercent.of(agreement.agreement()), agreement.same(),
                    agreement.changed(), agreement.dropped(), agreement.added(), agreement.noTask());
            agreement.attributes().forEach((name, changes) -> stdout.printf(Locale.ROOT, "  %-28s %d events changed%s%n", name, changes.changes(),
                    Double.isNaN(changes.meanDelta()) ? "" : String.format(Locale.ROOT, " (mean absolute delta %.4f)", changes.meanAbsDelta())));
            stdout.printf(Locale.ROOT, "  cost per 1,000 events: live $%.4f, variant $%.4f; model time p50: live %.1f ms, variant %.1f ms%n",
                    report.liveCalls().costPer1000(), report.variantCalls().costPer1000(), report.liveCalls().p50Millis(), report.variantCalls().p50Millis());
            stdout.println("Report: " + folder.resolve("replay.md"));
            if (minAgreement != null && !(agreement.agreement() >= minAgreement)) {
                err.printf(Locale.ROOT, "FAIL: agreement %s is below --min-agreement %s%n", ReplayReportPercent.of(agreement.agreement()),
                        ReplayReportPercent.of(minAgreement));
                return EvalCommand.BELOW_BAR;
            }
            return 0;
        } catch (IllegalStateException e) {
            err.println(e.getMessage());
            return SwitchboardCli.INVALID;
        }
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

    /** Percent formatting shared with the report. */
    private static final class ReplayReportPercent {
        static String of(double share) {
            return Double.isNaN(share) ? "–" : String.format(Locale.ROOT, "%.1f%%", share * 100);
        }
    }
}
