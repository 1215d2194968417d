package dev.switchboard.workflows.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.schemas.JsonValues;
import dev.switchboard.workflows.config.EngineConfig;
import dev.switchboard.workflows.config.Topics;
import dev.switchboard.workflows.review.ReviewQueue;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code switchboard review list|show|approve|reject}: the events held for a person. It reads and
 * decides the review topic on Kafka directly ({@code --bootstrap-servers} or {@code --config}), or
 * goes through a running engine's admin API ({@code --url}, with the admin token).
 */
@Command(name = "review", description = "Lists events held for review, shows one, approves it (optionally with a corrected value; "
        + "the workflow resumes after the reviewed step) or rejects it (the event ends there).",
        subcommands = {ReviewCommand.ListReviews.class, ReviewCommand.Show.class, ReviewCommand.Approve.class, ReviewCommand.Reject.class})
public final class ReviewCommand {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int REASON_WIDTH = 70;

    @Option(names = {"-b", "--bootstrap-servers"}, description = "Kafka bootstrap servers; the review topic is read there.",
            scope = CommandLine.ScopeType.INHERIT)
    String bootstrapServers;

    @Option(names = {"-c", "--config"}, description = "Engine configuration: its Kafka, client properties and topics.review.",
            scope = CommandLine.ScopeType.INHERIT)
    Path config;

    @Option(names = "--topic", description = "The review topic (default: topics.review of --config, else switchboard.review).",
            scope = CommandLine.ScopeType.INHERIT)
    String topic;

    @Option(names = "--decisions-topic", description = "Where decisions go (default: topics.decisions of --config, else switchboard.review.decisions).",
            scope = CommandLine.ScopeType.INHERIT)
    String decisionsTopic;

    @Option(names = "--url", description = "A running engine's HTTP listener, e.g. http://127.0.0.1:8080: go through its admin API instead of Kafka.",
            scope = CommandLine.ScopeType.INHERIT)
    String url;

    @Option(names = "--token-env", description = "With --url: the environment variable holding the admin token.",
            defaultValue = "SWITCHBOARD_ADMIN_TOKEN", scope = CommandLine.ScopeType.INHERIT)
    String tokenEnv;

    private final Function<String, String> environment;

    public ReviewCommand() {
        this(System::getenv);
    }

    /** @param environment reads environment variables (the admin token); tests pass their own */
    ReviewCommand(Function<String, String> environment) {
        this.environment = environment;
    }

    /** Where reviews live: the review topic on Kafka, or the admin API of a running engine. */
    interface Reviews {
        List<JsonNode> pending(int limit) throws Exception;

        JsonNode show(String id) throws Exception;

        JsonNode approve(String id, Map<String, Object> value, String by) throws Exception;

        JsonNode reject(String id, String by, String note) throws Exception;
    }

    /** A failure with the message to print; {@code exit} is the exit status. */
    static final class Refused extends Exception {
        final int exit;

        Refused(int exit, String message) {
            super(message);
            this.exit = exit;
        }
    }

    Reviews reviews(PrintWriter err) throws Refused {
        if (url != null) {
            String token = environment.apply(tokenEnv);
            if (token == null || token.isBlank()) {
                throw new Refused(SwitchboardCli.INVALID, "Set " + tokenEnv + " to the engine's admin token (http.admin_token_env), or"
                        + " talk to Kafka directly with --bootstrap-servers or --config");
            }
            return new ApiReviews(url.replaceAll("/+$", ""), token);
        }
        String servers = bootstrapServers;
        Map<String, String> properties = Map.of();
        String reviewTopic = topic;
        String decisions = decisionsTopic;
        if (config != null) {
            EngineConfig engineConfig = SwitchboardCli.loadConfig(config, err);
            if (engineConfig == null) {
                throw new Refused(SwitchboardCli.INVALID, "Fix the configuration " + config + " first");
            }
            if (servers == null) {
                Integer port = engineConfig.kafka().port();
                servers = engineConfig.kafka().embedded()
                        ? port == null || port == 0 ? null : "127.0.0.1:" + port
                        : engineConfig.kafka().bootstrapServers();
            }
            if (servers == null) {
                throw new Refused(SwitchboardCli.INVALID, config + " runs an embedded broker on a random port; give its address with"
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
            throw new Refused(SwitchboardCli.INVALID, "Say where the reviews are: --bootstrap-servers HOST:PORT, --config switchboard.yaml,"
                    + " or --url http://engine:8080");
        }
        Topics defaults = Topics.defaults();
        return new KafkaReviews(new ReviewQueue(servers, properties, reviewTopic == null ? defaults.review() : reviewTopic,
                decisions == null ? defaults.decisions() : decisions));
    }

    /** Runs one subcommand body: prints refusals and failures to stderr with the right exit status. */
    int run(CommandLine.Model.CommandSpec spec, Body body) {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            body.run(reviews(err), out);
            return 0;
        } catch (Refused e) {
            err.println(e.getMessage());
            return e.exit;
        } catch (ReviewQueue.ReviewException e) {
            err.println(e.getMessage());
            return 1;
        } catch (Exception e) {
            err.println(e.getMessage() == null ? e.toString() : e.getMessage());
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }

    @FunctionalInterface
    interface Body {
        void run(Reviews reviews, PrintWriter out) throws Exception;
    }

    @Command(name = "list", description = "Lists pending reviews, oldest first.")
    static final class ListReviews implements Callable<Integer> {
        @CommandLine.ParentCommand
        ReviewCommand parent;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Option(names = "--limit", description = "At most this many.", defaultValue = "100")
        int limit;
        @Option(names = "--json", description = "Print the review records as a JSON array.")
        boolean json;

        @Override
        public Integer call() {
            return parent.run(spec, (reviews, out) -> {
                List<JsonNode> pending = reviews.pending(limit);
                if (json) {
                    out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(pending));
                    return;
                }
                if (pending.isEmpty()) {
                    out.println("No pending reviews.");
                    return;
                }
                out.printf("%-28s  %-24s  %-16s  %-24s  %s%n", "REVIEW", "WORKFLOW", "STEP", "HELD AT", "REASON");
                for (JsonNode review : pending) {
                    out.printf("%-28s  %-24s  %-16s  %-24s  %s%n", review.path("review_id").asText(), review.path("workflow").asText(),
                            review.path("step").asText(), review.path("held_at").asText(), cut(review.path("reason").asText()));
                }
                out.println(pending.size() + " pending. `switchboard review show <id>` shows what the models said.");
            });
        }
    }

    @Command(name = "show", description = "Shows a review: the event, earlier steps' outputs, what each model said and why it was held.")
    static final class Show implements Callable<Integer> {
        @CommandLine.ParentCommand
        ReviewCommand parent;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(index = "0", description = "The review id (rev_...).")
        String id;

        @Override
        public Integer call() {
            return parent.run(spec, (reviews, out) -> out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(reviews.show(id))));
        }
    }

    @Command(name = "approve", description = "Approves a review: the workflow continues after the reviewed step with --value as its output, "
            + "or with the best model answer when --value is not given.")
    static final class Approve implements Callable<Integer> {
        @CommandLine.ParentCommand
        ReviewCommand parent;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(index = "0", description = "The review id (rev_...).")
        String id;
        @Option(names = "--value", description = "The reviewed step's corrected output as a JSON object, e.g. '{\"label\":\"billing\"}'.")
        String value;
        @Option(names = "--by", description = "Who decides, kept with the decision (default: the user name). With --url the decision is "
                + "the admin token's, and this name is kept as who it was taken for.")
        String by;

        @Override
        public Integer call() {
            return parent.run(spec, (reviews, out) -> {
                Map<String, Object> corrected = value == null ? null : parseValue(value);
                JsonNode decided = reviews.approve(id, corrected, by == null ? System.getProperty("user.name", "cli") : by);
                out.println("Approved " + decided.path("review_id").asText() + ": workflow '" + decided.path("workflow").asText()
                        + "' resumes after step '" + decided.path("step").asText() + "' with " + decided.path("value")
                        + " (decision sent to " + decided.path("topic").asText() + "; the workflow checks it against the review it holds)");
            });
        }
    }

    @Command(name = "reject", description = "Rejects a review: the event ends there, no task is written.")
    static final class Reject implements Callable<Integer> {
        @CommandLine.ParentCommand
        ReviewCommand parent;
        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;
        @Parameters(index = "0", description = "The review id (rev_...).")
        String id;
        @Option(names = "--by", description = "Who decides, kept with the decision (default: the user name). With --url the decision is "
                + "the admin token's, and this name is kept as who it was taken for.")
        String by;
        @Option(names = "--note", description = "Why, kept with the decision.")
        String note;

        @Override
        public Integer call() {
            return parent.run(spec, (reviews, out) -> {
                JsonNode decided = reviews.reject(id, by == null ? System.getProperty("user.name", "cli") : by, note);
                out.println("Rejected " + decided.path("review_id").asText() + ": the event of workflow '" + decided.path("workflow").asText()
                        + "' ends at step '" + decided.path("step").asText() + "'");
            });
        }
    }

    static Map<String, Object> parseValue(String text) throws Refused {
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (JsonProcessingException e) {
            throw new Refused(SwitchboardCli.INVALID, "Invalid --value: not JSON (" + e.getOriginalMessage()
                    + "). Give the step's output as a JSON object, e.g. --value '{\"label\":\"billing\"}'");
        }
        if (node == null || !node.isObject()) {
            throw new Refused(SwitchboardCli.INVALID, "Invalid --value: got " + text
                    + ", expected a JSON object (the step's output), e.g. --value '{\"label\":\"billing\"}'");
        }
        return JsonValues.toMap(node);
    }

    private static String cut(String text) {
        String line = text.replaceAll("\\s+", " ");
        return line.length() <= REASON_WIDTH ? line : line.substring(0, REASON_WIDTH - 1) + "…";
    }

    /** Reviews on Kafka. */
    private record KafkaReviews(ReviewQueue queue) implements Reviews {
        @Override
        public List<JsonNode> pending(int limit) {
            return queue.pending(limit);
        }

        @Override
        public JsonNode show(String id) {
            return queue.find(id).orElseThrow(() -> new ReviewQueue.ReviewException(404, "No review '" + id + "' in topic "
                    + queue.topic() + "; `switchboard review list` shows the pending ones"));
        }

        @Override
        public JsonNode approve(String id, Map<String, Object> value, String by) {
            return describe(queue.approve(id, value, new ReviewQueue.Decider(by, null)));
        }

        @Override
        public JsonNode reject(String id, String by, String note) {
            return describe(queue.reject(id, new ReviewQueue.Decider(by, null), note));
        }

        private static JsonNode describe(ReviewQueue.Decided decided) {
            ObjectNode node = JSON.createObjectNode().put("review_id", decided.reviewId()).put("decision", decided.decision())
                    .put("workflow", decided.workflow()).put("step", decided.step()).put("topic", decided.topic());
            if (decided.value() != null) {
                node.set("value", JSON.valueToTree(decided.value()));
            }
            return node;
        }
    }

    /** Reviews through a running engine's admin API. */
    private record ApiReviews(String url, String token) implements Reviews {
        @Override
        public List<JsonNode> pending(int limit) throws Exception {
            List<JsonNode> list = new ArrayList<>();
            call("GET", "/admin/reviews?limit=" + limit, null).forEach(list::add);
            return list;
        }

        @Override
        public JsonNode show(String id) throws Exception {
            return call("GET", "/admin/reviews/show?id=" + encode(id), null);
        }

        @Override
        public JsonNode approve(String id, Map<String, Object> value, String by) throws Exception {
            ObjectNode body = JSON.createObjectNode().put("by", by);
            if (value != null) {
                body.set("value", JSON.valueToTree(value));
            }
            return call("POST", "/admin/reviews/approve?id=" + encode(id), body);
        }

        @Override
        public JsonNode reject(String id, String by, String note) throws Exception {
            ObjectNode body = JSON.createObjectNode().put("by", by);
            if (note != null) {
                body.put("note", note);
            }
            return call("POST", "/admin/reviews/reject?id=" + encode(id), body);
        }

        private JsonNode call(String method, String path, JsonNode body) throws Exception {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url + path))
                    .timeout(Duration.ofSeconds(60))
                    .header("Authorization", "Bearer " + token);
            request = body == null ? request.GET()
                    : request.header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body.toString()));
            HttpResponse<String> response = HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofString());
            JsonNode answer;
            try {
                answer = JSON.readTree(response.body());
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("The engine at " + url + " answered HTTP " + response.statusCode() + " with no JSON: "
                        + response.body());
            }
            if (response.statusCode() >= 300) {
                String error = answer == null ? "" : answer.path("error").asText(response.body());
                throw new ReviewQueue.ReviewException(response.statusCode(), "HTTP " + response.statusCode() + ": " + error);
            }
            return answer == null ? JSON.createArrayNode() : answer;
        }

        private static String encode(String text) {
            return URLEncoder.encode(text, StandardCharsets.UTF_8);
        }
    }
}
