package dev.switchboard.workflows.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.schemas.JsonValues;
import dev.switchboard.workflows.config.EngineConfig;
import dev.switchboard.workflows.config.Topics;
import dev.switchboard.workflows.review.CorrectionsDataset;
import dev.switchboard.workflows.review.ReviewQueue;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * {@code switchboard review list|show|approve|reject}: the events held for a person. It reads the
 * review topic and sends decisions to the decisions topic on Kafka directly ({@code --bootstrap-servers}
 * or {@code --config}), or goes through a running engine's admin API ({@code --url}, with the admin token).
 */
@Command(name = "review", header = "Lists, shows, approves and rejects the events held for review.",
        description = {"Lists events held for review, shows one, approves it (optionally with a corrected value; the workflow resumes after "
                + "the reviewed step) or rejects it (the event ends there).",
            "Reads the review topic and sends decisions to the decisions topic on Kafka directly (--bootstrap-servers or --config), "
                    + "or goes through a running engine's admin API (--url, with the admin token)."})
public final class ReviewCommand {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int REASON_WIDTH = 70;
    private static final String VALUE_EXAMPLE = "--value '{\"label\":\"billing\"}'";

    @ParentCommand
    SwitchboardCli cli;

    @Spec
    CommandSpec spec;

    @Option(names = {"-b", "--bootstrap-servers"}, paramLabel = "HOST:PORT", scope = ScopeType.INHERIT,
            description = "Kafka bootstrap servers; the review topic is read there.")
    String bootstrapServers;

    @Mixin
    ConfigOption config;

    @Option(names = "--topic", paramLabel = "TOPIC", scope = ScopeType.INHERIT,
            description = "The review topic: topics.review of --config, else switchboard.review.")
    String topic;

    @Option(names = "--decisions-topic", paramLabel = "TOPIC", scope = ScopeType.INHERIT,
            description = "The decisions topic, where approvals and rejections go: topics.decisions of --config, else "
                    + "switchboard.review.decisions.")
    String decisionsTopic;

    @Option(names = "--url", paramLabel = "URL", scope = ScopeType.INHERIT,
            description = "A running engine's admin listener, e.g. http://127.0.0.1:8081: go through its admin API instead of Kafka.")
    String url;

    @Mixin
    AdminTokenOption token;

    @Command(name = "list", description = "Lists pending reviews, oldest first.")
    int list(@Option(names = "--limit", defaultValue = "100", description = "At most this many (default: ${DEFAULT-VALUE}).") int limit,
             @Option(names = "--json", description = "Print the review records as a JSON array.") boolean json) {
        List<JsonNode> pending = attempt(() -> reviews().pending(limit));
        if (json) {
            return print(JSON.valueToTree(pending));
        }
        if (pending.isEmpty()) {
            spec.commandLine().getOut().println("No pending reviews.");
            return 0;
        }
        TextTable table = new TextTable("REVIEW", "WORKFLOW", "STEP", "HELD AT", "REASON");
        for (JsonNode review : pending) {
            table.row(review.path("review_id").asText(), review.path("workflow").asText(), review.path("step").asText(),
                    review.path("held_at").asText(), cut(review.path("reason").asText()));
        }
        table.print(spec.commandLine().getOut());
        spec.commandLine().getOut().println(pending.size() + " pending. `switchboard review show <id>` shows what the models said.");
        return 0;
    }

    @Command(name = "show", description = "Shows a review: the event, earlier steps' outputs, what each model said and why it was held.")
    int show(@Parameters(paramLabel = "REVIEW", description = "The review id (rev_...).") String id) {
        return print(attempt(() -> reviews().show(id)));
    }

    @Command(name = "approve", description = "Approves a review: the workflow continues after the reviewed step with --value as its output, "
            + "or with the best model answer when --value is not given.")
    int approve(@Parameters(paramLabel = "REVIEW", description = "The review id (rev_...).") String id,
                @Option(names = "--value", paramLabel = "JSON", description = "The reviewed step's corrected output, a JSON object such as "
                        + "{\"label\": \"billing\"}.") String value,
                @Option(names = "--by", paramLabel = "NAME", description = "Who decides, kept with the decision (default: the user name). "
                        + "With --url the decision is the admin token's, and this name is kept as who it was taken for.") String by) {
        Map<String, Object> corrected = value == null ? null : parseValue(value);
        JsonNode decided = attempt(() -> reviews().approve(id, corrected, decider(by)));
        spec.commandLine().getOut().println("Approved " + decided.path("review_id").asText() + ": workflow '" + decided.path("workflow").asText()
                + "' resumes after step '" + decided.path("step").asText() + "' with " + decided.path("value")
                + " (decision sent to " + decided.path("topic").asText() + "; the workflow checks it against the review it holds)");
        return 0;
    }

    @Command(name = "reject", description = "Rejects a review: the event ends there, no task is written.")
    int reject(@Parameters(paramLabel = "REVIEW", description = "The review id (rev_...).") String id,
               @Option(names = "--by", paramLabel = "NAME", description = "Who decides, kept with the decision (default: the user name). "
                       + "With --url the decision is the admin token's, and this name is kept as who it was taken for.") String by,
               @Option(names = "--note", paramLabel = "TEXT", description = "Why, kept with the decision.") String note) {
        JsonNode decided = attempt(() -> reviews().reject(id, decider(by), note));
        spec.commandLine().getOut().println("Rejected " + decided.path("review_id").asText() + ": the event of workflow '"
                + decided.path("workflow").asText() + "' ends at step '" + decided.path("step").asText() + "'");
        return 0;
    }

    @Command(name = "export", description = "Writes the reviews approved with a corrected value as an evaluation dataset (JSON Lines): "
            + "each held event's data fields, and label (the corrected label) or expected (the corrected value). "
            + "`switchboard eval --dataset` reads it, so the next model change is tested on real cases.")
    int export(@Option(names = "--out", required = true, paramLabel = "FILE", description = "The dataset to write (.jsonl).") Path file,
               @Option(names = "--workflow", paramLabel = "NAME", description = "Only this workflow's reviews.") String workflow,
               @Option(names = "--step", paramLabel = "ID", description = "Only this step's reviews.") String step) {
        List<ReviewQueue.Correction> corrections = attempt(() -> reviews().corrections());
        int rows = attempt(() -> CorrectionsDataset.write(corrections, workflow, step, file));
        spec.commandLine().getOut().println("Wrote " + rows + " corrected review(s) to " + file + "; evaluate with `switchboard eval <workflow> "
                + "--dataset " + file + "` (--label-column expected for steps other than classify)");
        return 0;
    }

    /** Where the reviews are: the admin API with {@code --url}, else the review topic on Kafka. */
    Reviews reviews() {
        if (url != null) {
            return new ApiReviews(AdminApi.connect(url, token.tokenEnv, cli.environment(),
                    ", or talk to Kafka directly with --bootstrap-servers or --config"));
        }
        String servers = bootstrapServers;
        Map<String, String> properties = Map.of();
        String reviewTopic = topic;
        String decisions = decisionsTopic;
        if (config.given()) {
            EngineConfig engineConfig = config.load(spec.commandLine().getErr());
            if (servers == null) {
                Integer port = engineConfig.kafka().port();
                servers = engineConfig.kafka().embedded()
                        ? port == null || port == 0 ? null : "127.0.0.1:" + port
                        : engineConfig.kafka().bootstrapServers();
            }
            if (servers == null) {
                throw CommandFailure.invalid(config.file + " runs an embedded broker on a random port; give its address with"
                        + " --bootstrap-servers, set kafka.port, or go through the engine with --url");
            }
            properties = engineConfig.kafka().properties() == null ? Map.of() : engineConfig.kafka().properties();
            if (reviewTopic == null) {
                reviewTopic = engineConfig.topics().review();
            }
            if (decisions == null) {
                decisions = engineConfig.topics().decisions();
            }
        }
        if (servers == null) {
            throw CommandFailure.invalid("Say where the reviews are: --bootstrap-servers HOST:PORT, --config switchboard.yaml,"
                    + " or --url http://engine:8081");
        }
        Topics defaults = Topics.defaults();
        return new KafkaReviews(new ReviewQueue(servers, properties, reviewTopic == null ? defaults.review() : reviewTopic,
                decisions == null ? defaults.decisions() : decisions));
    }

    /** Runs a request; what the queue or the engine refuses, and any other failure, becomes its message on one line with exit 1. */
    private static <T> T attempt(Callable<T> request) {
        try {
            return request.call();
        } catch (CommandFailure e) {
            throw e;
        } catch (Exception e) {
            throw CommandFailure.failed(e.getMessage() == null ? e.toString() : e.getMessage());
        }
    }

    private int print(JsonNode json) {
        try {
            spec.commandLine().getOut().println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(json));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("Cannot print " + json, e);
        }
        return 0;
    }

    private static String decider(String by) {
        return by == null ? System.getProperty("user.name", "cli") : by;
    }

    static Map<String, Object> parseValue(String text) {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw CommandFailure.invalid("Invalid --value: not JSON (" + e.getOriginalMessage()
                    + "). Give the step's output as a JSON object, e.g. " + VALUE_EXAMPLE);
        }
        if (node == null || !node.isObject()) {
            throw CommandFailure.invalid("Invalid --value: got " + text + ", expected a JSON object (the step's output), e.g. " + VALUE_EXAMPLE);
        }
        return JsonValues.toMap(node);
    }

    private static String cut(String text) {
        String line = text.replaceAll("\\s+", " ");
        return line.length() <= REASON_WIDTH ? line : line.substring(0, REASON_WIDTH - 1) + "…";
    }
}
