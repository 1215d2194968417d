package dev.switchboard.workflows.console;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.switchboard.schemas.JsonValues;
import dev.switchboard.schemas.spi.HttpIngress;
import dev.switchboard.schemas.spi.HttpIngress.Response;
import dev.switchboard.workflows.review.ReviewQueue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code /console/reviews}: held events with what each model said; reviewers approve, correct or
 * reject. A decision goes through {@link ReviewQueue}, the path of the CLI and the admin API, with the
 * signed-in user as the decider; the workflow accepts the first decision on a review only, and a
 * second reviewer sees that it was decided.
 */
public final class ReviewDesk implements ConsolePage {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final int SMALL = 256 * 1024;
    private static final java.time.Duration RECORDED_WITHIN = java.time.Duration.ofSeconds(10);

    /** One held event as the page shows it; the JSON is shown as text, escaped by the template. */
    public record Item(String id, String workflow, String step, String reason, String heldAt, String eventId, String event,
                       List<Candidate> candidates, String proposed, String draft) {
    }

    /** What one model answered. */
    public record Candidate(String model, String outcome, String reason, String answer, String confidence) {
    }

    private final Supplier<ReviewQueue> queue;

    public ReviewDesk(Supplier<ReviewQueue> queue) {
        this.queue = queue;
    }

    @Override
    public void register(Console console, HttpIngress http) {
        http.route("/console/reviews", SMALL, console.page(Role.VIEWER, (request, session) ->
                console.render(request, session, "reviews", "queue", model(request, ""))));
        http.route("/console/reviews/decide", SMALL, console.change(Role.REVIEWER, (request, session) -> decide(console, request, session)));
    }

    private Response decide(Console console, ConsoleRequest request, ConsoleSessions.Session session) throws Exception {
        String id = request.field("id");
        String decision = request.field("decision");
        ReviewQueue.Decider by = new ReviewQueue.Decider(session.user().name(), null);
        String message;
        try {
            if ("reject".equals(decision)) {
                queue.get().reject(id, by, blankToNull(request.field("note")));
                message = outcome(id, by, "Rejected " + id + ": the event ends without a task");
            } else if ("approve".equals(decision) || "correct".equals(decision)) {
                Map<String, Object> value = "correct".equals(decision) ? corrected(request.field("value"), request.field("draft")) : null;
                queue.get().approve(id, value, by);
                message = outcome(id, by, ("correct".equals(decision) ? "Approved " + id + " with your correction" : "Approved " + id)
                        + ": the workflow resumes");
            } else {
                message = "Unknown decision '" + decision + "': expected approve, correct or reject";
            }
        } catch (ReviewQueue.ReviewException | IllegalArgumentException e) {
            message = e.getMessage();
        }
        return console.render(request, session, "reviews", "queue", model(request, message));
    }

    /**
     * The workflow takes the first decision on a review; when two people decide at once, the second
     * learns here that the other's decision counted, once the workflow has recorded it.
     */
    private String outcome(String id, ReviewQueue.Decider by, String sent) throws InterruptedException {
        long deadline = System.nanoTime() + RECORDED_WITHIN.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode review = queue.get().find(id).orElse(null);
            if (review != null && !"pending".equals(review.path("status").asText())) {
                String decidedBy = review.path("decided_by").asText();
                return decidedBy.equals(by.identity()) ? sent
                        : "Review " + id + " was " + review.path("status").asText() + " by " + decidedBy + " first; your decision did not count";
            }
            Thread.sleep(200);
        }
        return sent + " (the workflow has not recorded it yet; reload to see it)";
    }

    /**
     * The reviewer's value: the step's output as edited, with the drafted reply, when the page showed one
     * in its own box, taken from that box, so a support agent edits prose rather than JSON.
     */
    static Map<String, Object> corrected(String text, String draft) throws Exception {
        Map<String, Object> value = new LinkedHashMap<>(value(text));
        String field = value.get("draft") instanceof String ? "draft" : value.get("reply") instanceof String ? "reply" : null;
        if (draft != null && field != null) {
            value.put(field, draft.replace("\r\n", "\n"));
        }
        return value;
    }

    /** The drafted reply of an answer: its {@code draft} (a draft step's), else its {@code reply} (a review step's proposal). */
    private static String draftOf(JsonNode answer) {
        return answer.path("draft").isTextual() ? answer.get("draft").asText() : answer.path("reply").isTextual() ? answer.get("reply").asText() : null;
    }

    private static Map<String, Object> value(String text) throws Exception {
        JsonNode node = text == null || text.isBlank() ? null : JSON.readTree(text);
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("The corrected value must be a JSON object, e.g. {\"label\": \"billing\"}: got '"
                    + (text == null ? "" : text.strip()) + "'. Edit it and decide again");
        }
        return JsonValues.toMap(node);
    }

    private Map<String, Object> model(ConsoleRequest request, String message) throws Exception {
        String workflow = blankToNull(request.field("workflow"));
        String step = blankToNull(request.field("step"));
        List<Item> items = new ArrayList<>();
        for (JsonNode review : queue.get().pending(200)) {
            if (workflow != null && !workflow.equals(review.path("workflow").asText())
                    || step != null && !step.equals(review.path("step").asText())) {
                continue;
            }
            items.add(item(review));
        }
        Map<String, Object> model = new LinkedHashMap<>();
        model.put("items", items);
        model.put("message", message);
        model.put("workflow", workflow == null ? "" : workflow);
        model.put("step", step == null ? "" : step);
        return model;
    }

    static Item item(JsonNode review) throws Exception {
        List<Candidate> candidates = new ArrayList<>();
        JsonNode best = null;
        double bestConfidence = -1;
        for (JsonNode candidate : review.path("candidates")) {
            JsonNode answer = candidate.has("output") ? candidate.get("output") : candidate.path("answer");
            double confidence = candidate.path("confidence").asDouble(answer.path("confidence").asDouble(-1));
            candidates.add(new Candidate(candidate.path("model").asText(candidate.path("provider").asText("")),
                    candidate.path("outcome").asText(""), candidate.path("reason").asText(""), JSON.writeValueAsString(answer),
                    confidence < 0 ? "" : String.format(java.util.Locale.ROOT, "%.2f", confidence)));
            // a review step's proposal carries no confidence: it is the best answer when it is the only one
            if (answer.isObject() && (best == null || confidence > bestConfidence)) {
                best = answer;
                bestConfidence = confidence;
            }
        }
        return new Item(review.path("review_id").asText(), review.path("workflow").asText(), review.path("step").asText(),
                review.path("reason").asText(""), review.path("held_at").asText(""), review.path("event").path("id").asText(""),
                JSON.writeValueAsString(review.path("event")), candidates, best == null ? "{}" : JSON.writeValueAsString(best),
                best == null ? null : draftOf(best));
    }

    private static String blankToNull(String text) {
        return text == null || text.isBlank() ? null : text;
    }
}
