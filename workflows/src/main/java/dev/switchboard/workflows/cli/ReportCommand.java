package dev.switchboard.workflows.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.workflows.config.EngineConfig;
import dev.switchboard.workflows.config.Topics;
import dev.switchboard.workflows.eval.OptionsRecords;
import dev.switchboard.workflows.explain.TopicScan;
import dev.switchboard.workflows.model.StepSpec;
import dev.switchboard.workflows.model.Workflow;
import dev.switchboard.workflows.report.ValueFigures;
import dev.switchboard.workflows.report.ValueReport;
import dev.switchboard.workflows.runtime.DeadLetters;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code switchboard report --since 7d}: tasks, time saved, cost, errors and review outcomes, from what the engine wrote. */
@Command(name = "report", header = "Reports what the automation did and was worth: tasks, time saved, cost, error rate, review outcomes.",
        description = {"Reads the tasks, deliveries, dead-letter, review and audit topics since --since and writes report.md, report.html "
                + "(charts) and report.json: per workflow the tasks delivered, time saved, model cost (also per task), error rate, "
                + "model calls and failures, reviews held and their outcomes (approved unchanged, corrected, rejected); per model the "
                + "calls, failures and cost; per day the tasks, time saved and cost.",
            "Time saved is each delivered task's minutes_saved (an option of its task step) less --review-minutes per review decision.",
            "Exits 2 on invalid input, 1 when Kafka cannot be read."})
final class ReportCommand extends CliCommand {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_PER_TOPIC = 1_000_000;
    private static final String WORKFLOW_STAGE = "workflow:";

    @Parameters(paramLabel = "WORKFLOW", description = "Workflow files or folders; added to workflows: of the configuration.")
    List<Path> workflowPaths = new ArrayList<>();

    @Mixin
    TopicReadOptions kafka;

    @Option(names = "--since", defaultValue = "7d", paramLabel = "WHEN",
            description = "Report from this far back (24h, 7d) or from this time (default: ${DEFAULT-VALUE}).")
    String since;

    @Option(names = "--review-minutes", defaultValue = "2", paramLabel = "MINUTES",
            description = "Minutes of a person's time one review decision takes (default: ${DEFAULT-VALUE}).")
    double reviewMinutes;

    @Option(names = "--out", defaultValue = "out/report", paramLabel = "FOLDER", description = "Where the report goes (default: ${DEFAULT-VALUE}).")
    Path out;

    @Override
    public Integer call() throws IOException {
        Instant now = Instant.now();
        Instant from = TopicReadOptions.since(since, now);
        EngineConfig engineConfig = kafka.load(err());
        List<Workflow> workflows = TopicReadOptions.workflows(engineConfig, workflowPaths, err());
        ValueFigures figures = ValueFigures.start(minutesSaved(workflows), reviewMinutes);
        Map<String, String> properties = engineConfig.kafka().properties() == null ? Map.of() : engineConfig.kafka().properties();
        Topics topics = engineConfig.topics();
        try (TopicScan scan = new TopicScan(kafka.bootstrapServers(engineConfig), properties)) {
            read(scan, topics.tasks(), from, record -> figures.task(json(record)));
            read(scan, topics.deliveries(), from, record -> figures.delivery(json(record)));
            // an event's dead letter names its workflow in its stage; a task's counts by its receipt
            read(scan, topics.deadLetter(), from, record -> {
                String stage = header(record, DeadLetters.STAGE);
                if (stage != null && stage.startsWith(WORKFLOW_STAGE)) {
                    figures.deadLetter(stage.substring(WORKFLOW_STAGE.length()));
                }
            });
            read(scan, topics.review(), from, record -> figures.review(json(record)));
            read(scan, topics.audit(), from, record -> figures.call(json(record)));
        } catch (org.apache.kafka.common.KafkaException | IllegalStateException e) {
            throw CommandFailure.failed("Could not read the topics: " + e.getMessage() + ". Check --bootstrap-servers or kafka: of --config");
        }
        new ValueReport(from, now, figures).write(out);
        out().println("Report of " + figures.workflows().size() + " workflow(s) since " + from + ": " + out.resolve("report.md") + ", "
                + out.resolve("report.html"));
        return 0;
    }

    /** {@code workflow/step} of each task step that declares minutes_saved. */
    private static Map<String, Double> minutesSaved(List<Workflow> workflows) {
        Map<String, Double> minutes = new HashMap<>();
        for (Workflow workflow : workflows) {
            for (StepSpec step : workflow.steps()) {
                if (step.type().equals("task") && OptionsRecords.read(step.options(), "minutesSaved") instanceof Number saved) {
                    minutes.put(workflow.name() + "/" + step.id(), saved.doubleValue());
                }
            }
        }
        return minutes;
    }

    private static void read(TopicScan scan, String topic, Instant from, Consumer<ConsumerRecord<byte[], byte[]>> each) {
        scan.read(topic, from, record -> record.value() != null, MAX_PER_TOPIC).forEach(each);
    }

    private static JsonNode json(ConsumerRecord<byte[], byte[]> record) {
        try {
            return JSON.readTree(record.value());
        } catch (IOException e) {
            return JSON.createObjectNode();
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
