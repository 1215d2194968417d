package dev.switchboard.workflows.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.schemas.spi.HttpIngress;
import dev.switchboard.schemas.spi.HttpIngress.Request;
import dev.switchboard.schemas.spi.HttpIngress.Response;
import dev.switchboard.schemas.JsonValues;
import dev.switchboard.workflows.explain.EventExplainer;
import dev.switchboard.workflows.explain.Explanation;
import dev.switchboard.workflows.explain.Since;
import dev.switchboard.workflows.kafka.KafkaClients;
import dev.switchboard.workflows.review.ReviewQueue;
import dev.switchboard.workflows.runtime.GroupAssignments;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Health, metrics and the admin API on the engine's admin listener (never on the public one).
 * Liveness answers on the listener's I/O thread, so busy workers never fail that probe.
 *
 * <ul>
 *   <li>{@code GET /health/live}: the process and its routes run. A slow model never fails it.</li>
 *   <li>{@code GET /health/ready}: Kafka answers and every workflow consumes (its group holds its partitions) or is paused on purpose;
 *       the body shows each workflow's state and lag and each source's health.</li>
 *   <li>{@code GET /metrics}: Prometheus text format.</li>
 *   <li>{@code /admin/...}: with {@code Authorization: Bearer <token>}; off when no token is configured.
 *       {@code GET /admin/events?id=<event id>&since=24h} explains what happened to an event.</li>
 * </ul>
 */
public final class OperationsApi {

    private static final Logger LOG = LoggerFactory.getLogger(OperationsApi.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Who the admin token is, on the decisions it takes; per-user tokens will name their users. */
    private static final String ADMIN = "admin";
    /** How long {@code /health/ready} may wait on Kafka for the group checks of all workflows together. */
    static final Duration READY_GROUP_CHECKS = Duration.ofSeconds(2);

    private final EngineView engine;
    private final EngineMetrics metrics;
    private final KafkaWatch kafka;
    private final byte[] adminToken;

    /** @param adminToken null turns the admin API off */
    public OperationsApi(EngineView engine, EngineMetrics metrics, KafkaWatch kafka, String adminToken) {
        this.engine = engine;
        this.metrics = metrics;
        this.kafka = kafka;
        this.adminToken = adminToken == null || adminToken.isBlank() ? null : adminToken.getBytes(StandardCharsets.UTF_8);
    }

    public void register(HttpIngress http) {
        int small = 64 * 1024;
        http.routeInline("/health/live", this::live);
        http.route("/health/ready", small, this::ready);
        http.route("/metrics", small, request -> new Response(200, "text/plain; version=0.0.4; charset=utf-8",
                metrics.scrape().getBytes(StandardCharsets.UTF_8)));
        http.route("/admin/workflows", small, admin(this::workflows));
        http.route("/admin/workflows/pause", small, admin(request -> pauseOrResume(request, true)));
        http.route("/admin/workflows/resume", small, admin(request -> pauseOrResume(request, false)));
        http.route("/admin/dead-letters", small, admin(this::deadLetters));
        http.route("/admin/dead-letters/redrive", small, admin(this::redrive));
        http.route("/admin/reviews", small, admin(this::reviews));
        http.route("/admin/reviews/show", small, admin(this::review));
        http.route("/admin/reviews/approve", small, admin(request -> decide(request, true)));
        http.route("/admin/reviews/reject", small, admin(request -> decide(request, false)));
        http.route("/admin/events", small, admin(this::explain));
    }

    private Response live(Request request) {
        ObjectNode body = JSON.createObjectNode();
        boolean up = engine.running();
        body.put("status", up ? "UP" : "DOWN");
        return Response.json(up ? 200 : 503, body.toString());
    }

    private Response ready(Request request) {
        ObjectNode body = JSON.createObjectNode();
        boolean kafkaUp = kafka.reachable(Duration.ofSeconds(30));
        ObjectNode kafkaNode = body.putObject("kafka");
        kafkaNode.put("reachable", kafkaUp);
        if (!kafkaUp && kafka.lastError() != null) {
            kafkaNode.put("error", kafka.lastError());
        }
        boolean routesUp = true;
        ArrayNode workflows = body.putArray("workflows");
        // every group check together within the budget: a probe that times out (the chart's is 3 s) reads as down anyway,
        // and Kafka that went away a moment ago still counts as reachable until the watch notices
        long deadline = System.nanoTime() + READY_GROUP_CHECKS.toNanos();
        for (EngineView.WorkflowState workflow : engine.workflows()) {
            // started means consuming: the group holds its partitions (a paused workflow has none on purpose)
            Duration left = Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
            boolean assigned = workflow.state().equals("Started") && kafkaUp && !left.isZero()
                    && GroupAssignments.covers(kafka.admin(), workflow.consumerGroup(), workflow.topic(), left);
            boolean ok = assigned || workflow.state().equals("Paused");
            routesUp &= ok;
            workflows.addObject()
                    .put("name", workflow.name())
                    .put("state", workflow.state())
                    .put("assigned", assigned)
                    .put("lag", kafka.lag(workflow.consumerGroup()));
        }
        body.set("sources", JSON.valueToTree(engine.sources()));
        boolean ready = engine.running() && kafkaUp && routesUp;
        body.put("status", ready ? "UP" : "DOWN");
        return Response.json(ready ? 200 : 503, body.toString());
    }

    private HttpIngress.Handler admin(HttpIngress.Handler handler) {
        return request -> {
            if (adminToken == null) {
                return Response.error(404, "The admin API is off: set admin.token_env to the name of an environment variable holding a token");
            }
            String header = request.header("authorization");
            byte[] given = header != null && header.startsWith("Bearer ")
                    ? header.substring("Bearer ".length()).trim().getBytes(StandardCharsets.UTF_8) : new byte[0];
            if (!MessageDigest.isEqual(given, adminToken)) {
                return Response.error(401, "Missing or wrong bearer token");
            }
            return handler.handle(request);
        };
    }

    private Response workflows(Request request) {
        ArrayNode list = JSON.createArrayNode();
        for (EngineView.WorkflowState workflow : engine.workflows()) {
            ObjectNode node = list.addObject();
            node.put("name", workflow.name());
            node.put("state", workflow.state());
            node.put("topic", workflow.topic());
            node.put("consumer_group", workflow.consumerGroup());
            node.put("lag", kafka.lag(workflow.consumerGroup()));
            node.set("counters", JSON.valueToTree(workflow.counters()));
        }
        return Response.json(200, list.toString());
    }

    private Response pauseOrResume(Request request, boolean pause) {
        if (!request.method().equals("POST")) {
            return Response.error(405, "Use POST");
        }
        String name = first(request.query().get("name"));
        if (name == null || engine.workflows().stream().noneMatch(w -> w.name().equals(name))) {
            return Response.error(404, "Unknown workflow '" + name + "'; GET /admin/workflows lists them");
        }
        if (pause) {
            engine.pause(name);
        } else {
            engine.resume(name);
        }
        LOG.info("Admin API: workflow {} {} by '{}'", name, pause ? "paused" : "resumed", ADMIN);
        return Response.json(200, JSON.createObjectNode().put("name", name).put("state", pause ? "Paused" : "Started").toString());
    }

    private Response deadLetters(Request request) {
        int limit = Math.max(1, Math.min(500, parseInt(first(request.query().get("limit")), 50)));
        ArrayNode list = JSON.createArrayNode();
        for (DeadLetterBox.DeadLetter letter : new DeadLetterBox(engine).latest(limit)) {
            ObjectNode node = list.addObject();
            node.put("partition", letter.partition());
            node.put("offset", letter.offset());
            node.put("reason", letter.reason());
            node.put("stage", letter.stage());
            node.put("step", letter.step());
            node.put("source_topic", letter.sourceTopic());
            node.put("time", letter.time());
            node.put("redriven", letter.redriven());
            if (letter.redriven()) {
                node.put("redriven_at", letter.redrivenAt()).put("redriven_to", letter.redrivenTo());
            }
            node.put("size", letter.size());
            node.put("value", letter.value());
        }
        return Response.json(200, list.toString());
    }

    /** Body: {"records": [{"partition": 0, "offset": 12}, ...]}: each goes back to its source topic, bytes and key unchanged. */
    private Response redrive(Request request) throws Exception {
        if (!request.method().equals("POST")) {
            return Response.error(405, "Use POST");
        }
        JsonNode body = JSON.readTree(request.body());
        if (body == null || !body.path("records").isArray() || body.path("records").isEmpty()) {
            return Response.error(400, "Expected {\"records\": [{\"partition\": 0, \"offset\": 12}]}");
        }
        List<DeadLetterBox.TopicPartitionOffset> wanted = new ArrayList<>();
        for (JsonNode record : body.path("records")) {
            wanted.add(new DeadLetterBox.TopicPartitionOffset(record.path("partition").asInt(), record.path("offset").asLong()));
        }
        ArrayNode done = JSON.createArrayNode();
        for (DeadLetterBox.Redrive result : new DeadLetterBox(engine).redrive(wanted)) {
            ObjectNode node = done.addObject().put("partition", result.partition()).put("offset", result.offset())
                    .put("redriven", result.redriven());
            if (result.redriven()) {
                node.put("topic", result.topic());
                LOG.info("Admin API: dead letter {}/{}/{} re-driven to {} by '{}'", engine.deadLetterTopic(), result.partition(),
                        result.offset(), result.topic(), ADMIN);
            } else {
                node.put("error", result.error());
            }
        }
        return Response.json(200, JSON.createObjectNode().set("records", done).toString());
    }

    /** Pending reviews, oldest first. */
    private Response reviews(Request request) {
        int limit = Math.max(1, Math.min(500, parseInt(first(request.query().get("limit")), 50)));
        ArrayNode list = JSON.createArrayNode();
        reviewQueue().pending(limit).forEach(list::add);
        return Response.json(200, list.toString());
    }

    private Response review(Request request) {
        String id = first(request.query().get("id"));
        if (id == null) {
            return Response.error(400, "Name the review: /admin/reviews/show?id=rev_...");
        }
        return reviewQueue().find(id).map(review -> Response.json(200, review.toString()))
                .orElseGet(() -> Response.error(404, "No review '" + id + "' in topic " + engine.reviewTopic()));
    }

    /**
     * Body, optional: {"value": {...}, "by": "ann", "note": "..."}; without a value an approval takes the best model answer. The
     * decision is the admin token's ({@code admin}); {@code by} is kept as the name it was taken for, not verified.
     */
    private Response decide(Request request, boolean approve) throws Exception {
        if (!request.method().equals("POST")) {
            return Response.error(405, "Use POST");
        }
        String id = first(request.query().get("id"));
        if (id == null) {
            return Response.error(400, "Name the review: /admin/reviews/" + (approve ? "approve" : "reject") + "?id=rev_...");
        }
        JsonNode body = request.body() == null || request.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(request.body());
        if (body == null || !body.isObject() || body.has("value") && !body.get("value").isObject()) {
            return Response.error(400, "Expected a JSON object body, e.g. {\"value\": {\"label\": \"billing\"}, \"by\": \"ann\"}; "
                    + "value is the reviewed step's output and must be an object");
        }
        ReviewQueue.Decider by = new ReviewQueue.Decider(ADMIN, body.path("by").isTextual() ? body.get("by").asText() : null);
        try {
            ReviewQueue.Decided decided = approve
                    ? reviewQueue().approve(id, body.has("value") ? JsonValues.toMap(body.get("value")) : null, by)
                    : reviewQueue().reject(id, by, body.path("note").asText(null));
            ObjectNode answer = JSON.createObjectNode().put("review_id", decided.reviewId()).put("decision", decided.decision())
                    .put("workflow", decided.workflow()).put("step", decided.step()).put("topic", decided.topic());
            if (decided.value() != null) {
                answer.set("value", JSON.valueToTree(decided.value()));
            }
            return Response.json(200, answer.toString());
        } catch (ReviewQueue.ReviewException e) {
            return Response.error(e.status(), e.getMessage());
        }
    }

    /** What happened to an event: the explanation {@code switchboard explain --json} prints. */
    private Response explain(Request request) throws Exception {
        String id = first(request.query().get("id"));
        if (id == null || id.isBlank()) {
            return Response.error(400, "Name the event: /admin/events?id=<event id>, and optionally &since=24h (30m, 7d, or a time)");
        }
        Instant since;
        try {
            since = Since.parse(first(request.query().get("since")) == null ? "24h" : first(request.query().get("since")), Instant.now());
        } catch (IllegalArgumentException e) {
            return Response.error(400, e.getMessage());
        }
        Explanation explanation = new EventExplainer(engine.bootstrapServers(), engine.clientProperties(), engine.topics(),
                engine.definitions()).explain(id, since);
        if (!explanation.found()) {
            return Response.error(404, "No record of event '" + id + "' since " + since + "; look further back with &since=7d");
        }
        return Response.json(200, JSON.writeValueAsString(explanation));
    }

    private ReviewQueue reviewQueue() {
        return new ReviewQueue(engine.bootstrapServers(), engine.clientProperties(), engine.reviewTopic(), engine.decisionsTopic());
    }

    private static String first(List<String> values) {
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private static int parseInt(String text, int fallback) {
        try {
            return text == null ? fallback : Integer.parseInt(text);
        } catch (NumberFormatException e) {
            return fallback;
        }
    }
}
