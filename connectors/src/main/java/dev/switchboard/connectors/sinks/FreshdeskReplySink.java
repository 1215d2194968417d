package dev.switchboard.connectors.sinks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.connectors.http.HttpDelivery;
import dev.switchboard.connectors.secrets.Redactor;
import dev.switchboard.connectors.secrets.Secret;
import dev.switchboard.schemas.Task;
import dev.switchboard.schemas.spi.DeliveryResult;
import dev.switchboard.schemas.spi.TaskSink;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * Posts one reply or private note per task on a Freshdesk ticket (API v2).
 *
 * <p>Freshdesk offers no idempotency key and no conditional update, so the task id travels inside the
 * comment (a last line {@code Ref: tsk_…}), which Freshdesk creates in one piece with it. Before posting,
 * the sink lists the ticket's conversations and looks for the id: found means delivered. Two copies of the
 * same task delivered at the very same moment could both post; the delivery stage sends a task from one
 * consumer at a time, so that happens only when a retry overlaps a request still in flight.
 */
public final class FreshdeskReplySink extends HttpTaskSink implements TaskSink {

    static final String TICKET_FIELD = "freshdesk_ticket_id";
    static final String REFERENCE = "Ref: ";
    static final int PAGE = 100;
    private static final int MAX_PAGES = 10;

    private final FreshdeskReplySinkFactory.Options options;

    FreshdeskReplySink(String name, FreshdeskReplySinkFactory.Options options, Secret apiKey, HttpDelivery http) {
        super(name, Optional.of(new Credential("Freshdesk API key", apiKey)), Redactor.none(), http);
        this.options = options;
    }

    @Override
    protected String[] credentialForms(String apiKey) {
        return new String[] {basic(apiKey)};
    }

    @Override
    protected Prepared prepare(Task task, Call call) {
        DeliveryResult.Rejected problem = HelpdeskReply.problem(task, TICKET_FIELD);
        if (problem != null) {
            return new Decided(problem);
        }
        HelpdeskReply reply = HelpdeskReply.of(task, TICKET_FIELD);
        if (options.deduplicate()) {
            DeliveryResult found = findExisting(task, reply, call);
            if (found != null) {
                return new Decided(found);
            }
        }
        ObjectNode body = JSON.createObjectNode().put("body", html(reply.text(), task));
        if (!reply.visibleToRequester()) {
            body.put("private", true);
        }
        URI uri = ticket(reply, reply.visibleToRequester() ? "/reply" : "/notes");
        return new Send(authorized(uri, call)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()))
                .build());
    }

    /** The text as escaped HTML, then the reference line that carries the task id. */
    static String html(String text, Task task) {
        return "<div>" + TaskMapping.html(text) + "</div><p style=\"color:#8a8a8a;font-size:11px\">" + REFERENCE + task.id() + "</p>";
    }

    @Override
    protected String delivered(HttpDelivery.Answer answer) {
        JsonNode body = json(answer.body());
        String id = body.path("id").asText("");
        String ticket = body.path("ticket_id").asText("");
        return "Freshdesk " + (body.path("private").asBoolean(false) ? "note " : "conversation ") + (id.isEmpty() ? "created" : id)
                + (ticket.isEmpty() ? "" : " on ticket " + ticket) + " (HTTP " + answer.status() + ")";
    }

    /**
     * Freshdesk's error bodies: {@code {"description": "Validation failed", "errors": [{"field": "body",
     * "message": "...", "code": "missing_field"}]}}, or {@code {"code": "access_denied", "message": "..."}}.
     */
    @Override
    protected String errorMessage(String body) {
        JsonNode error = json(body);
        if (error.path("errors").isArray() && !error.path("errors").isEmpty()) {
            StringBuilder message = new StringBuilder(error.path("description").asText("Refused"));
            for (JsonNode item : error.path("errors")) {
                message.append("; ").append(item.path("field").asText("")).append(item.path("field").asText("").isEmpty() ? "" : ": ")
                        .append(item.path("message").asText("")).append(item.hasNonNull("code") ? " [" + item.get("code").asText() + "]" : "");
            }
            return message.toString();
        }
        return jsonError(body, "message", e -> e.hasNonNull("code") ? " [" + e.get("code").asText() + "]" : "");
    }

    /** Delivered when a conversation of the ticket carries the task id; a failure to look; or null: not there. */
    private DeliveryResult findExisting(Task task, HelpdeskReply reply, Call call) {
        for (int page = 1; page <= MAX_PAGES; page++) {
            URI uri = ticket(reply, "/conversations?per_page=" + PAGE + "&page=" + page);
            Lookup lookup = lookUp(authorized(uri, call).header("Accept", "application/json").GET().build(), task, call);
            if (lookup.failure() != null) {
                return lookup.failure();
            }
            JsonNode conversations = lookup.json();
            for (JsonNode conversation : conversations) {
                if (conversation.path("body").asText("").contains(task.id()) || conversation.path("body_text").asText("").contains(task.id())) {
                    return new DeliveryResult.Delivered("Freshdesk ticket " + reply.ticketId() + " already has conversation "
                            + conversation.path("id").asText("?") + " of task " + task.id());
                }
            }
            if (conversations.size() < PAGE) {
                return null;
            }
        }
        return null;
    }

    private URI ticket(HelpdeskReply reply, String path) {
        return URI.create(base(options.account().baseUrl()) + "/api/v2/tickets/" + reply.ticketId() + path);
    }

    private HttpRequest.Builder authorized(URI uri, Call call) {
        return http.request(uri).header("Authorization", "Basic " + basic(call.credential()));
    }

    /** {@code base64("<api key>:X")}: Freshdesk takes the key as user name with any password. */
    private static String basic(String apiKey) {
        return Base64.getEncoder().encodeToString((apiKey + ":X").getBytes(StandardCharsets.UTF_8));
    }
}
