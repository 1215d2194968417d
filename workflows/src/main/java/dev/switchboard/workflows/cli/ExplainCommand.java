package dev.switchboard.workflows.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.switchboard.workflows.config.EngineConfig;
import dev.switchboard.workflows.explain.EventExplainer;
import dev.switchboard.workflows.explain.Explanation;
import dev.switchboard.workflows.explain.ExplanationText;
import dev.switchboard.workflows.model.Workflow;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code switchboard explain <event-id>}: what happened to an event, read back from the topics. */
@Command(name = "explain", header = "Shows what happened to an event: its path through each workflow, read from the topics.",
        description = {
            "Finds the event on the workflows' topics and reads what the engine wrote about it: the step trace (each step's outcome and "
                    + "output), model calls, tasks, delivery receipts, reviews and dead letters. The filter and the conditions of steps "
                    + "that left no record are evaluated on the workflows as loaded, so a step that did not run is told from one that has "
                    + "not run yet.",
            "Reads only what was written since --since, and the other topics from the event's own time on.",
            "Exits 1 when nothing of the event is found, 2 on invalid input."})
final class ExplainCommand extends CliCommand {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    @Parameters(index = "0", paramLabel = "EVENT-ID", description = "The CloudEvent id.")
    String eventId;

    @Parameters(index = "1..*", paramLabel = "WORKFLOW", description = "Workflow files or folders; added to workflows: of the configuration.")
    List<Path> workflowPaths = new ArrayList<>();

    @Mixin
    TopicReadOptions kafka;

    @Option(names = "--since", defaultValue = "24h", paramLabel = "WHEN",
            description = "Read records from this far back (30m, 24h, 7d) or from this time (2026-11-28T09:00:00Z) (default: ${DEFAULT-VALUE}).")
    String since;

    @Option(names = "--json", description = "Print the explanation as JSON, as the admin API answers it.")
    boolean json;

    @Override
    public Integer call() throws Exception {
        Instant from = TopicReadOptions.since(since, Instant.now());
        EngineConfig engineConfig = kafka.load(err());
        List<Workflow> workflows = TopicReadOptions.workflows(engineConfig, workflowPaths, err());
        Map<String, String> properties = engineConfig.kafka().properties() == null ? Map.of() : engineConfig.kafka().properties();
        Explanation explanation;
        try {
            explanation = new EventExplainer(kafka.bootstrapServers(engineConfig), properties, engineConfig.topics(), workflows).explain(eventId, from);
        } catch (org.apache.kafka.common.KafkaException | IllegalStateException e) {
            throw CommandFailure.failed("Could not read the topics: " + e.getMessage() + ". Check --bootstrap-servers or kafka: of --config");
        }
        if (!explanation.found()) {
            throw CommandFailure.failed("No record of event '" + eventId + "' since " + from + " on " + engineConfig.topics().all().size()
                    + " topics and the workflows' topics. Check the id, look further back with --since 7d, or name the workflows "
                    + "that read it (files, or workflows: of --config)");
        }
        out().print(json ? JSON.writeValueAsString(explanation) + System.lineSeparator() : ExplanationText.render(explanation));
        return 0;
    }
}
