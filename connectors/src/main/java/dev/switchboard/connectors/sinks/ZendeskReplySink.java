package dev.switchboard.connectors.sinks;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Adds one comment per task to a Zendesk ticket (Support API v2), public or private.
 *
 * <p>Zendesk's {@code Idempotency-Key} applies to ticket creation only, so this sink makes its update a
 * compare-and-set: it reads the ticket, finds it done when the ticket carries the tag
 * {@code switchboard_<task id>}, and otherwise sends the comment together with that tag and
 * {@code safe_update} at the {@code updated_at} it read. Zendesk applies the comment and the tag at once or
 * not at all, and refuses (409) an update based on a ticket that changed since, which is retried from a fresh
 * read: a redelivered task finds its tag and posts nothing.
 */
public final class ZendeskReplySink extends HttpTaskSink implements TaskSink {

    static final String TICKET_FIELD = "zendesk_ticket_id";
    static final String STATUS_FIELD = "status";
    static final String TAG_PREFIX = "switchboard_";
    private static final Set<String> STATUSES = Set.of("open", "pending", "hold", "solved");

    private final ZendeskReplySinkFactory.Options options;

    ZendeskReplySink(String name, ZendeskReplySinkFactory.Options options, Secret token, HttpDelivery http) {
        super(name, Optional.of(new Credential("Zendesk token", token)), Redactor.none(), http);
        this.options = options;
    }

    /** The tag that marks a ticket as holding this task's comment. */
    static String tag(Task task) {
        return TAG_PREFIX + task.id().toLowerCase(Locale.ROOT);
    }

    @Override
    protected String[] credentialForms(String token) {
        return options.email() == null ? new String[0] : new String[] {basic(token)};
    }

    @Override
    protected Prepared prepare(Task task, Call call) {
        DeliveryResult.Rejected problem = HelpdeskReply.problem(task, TICKET_FIELD);
        if (problem != null) {
            return new Decided(problem);
        }
        Optional<String> status = TaskMapping.field(task, STATUS_FIELD).map(value -> value.toLowerCase(Locale.ROOT));
        if (status.isPresent() && !STATUSES.contains(status.get())) {
            return new Decided(new DeliveryResult.Rejected("Task field status must be one of " + STATUSES.stream().sorted().toList()
                    + ", got '" + HttpDelivery.abbreviate(status.get()) + "'. Fix the step that sets it"));
        }
        HelpdeskReply reply = HelpdeskReply.of(task, TICKET_FIELD);
        URI ticket = URI.create(base(options.account().baseUrl()) + "/api/v2/tickets/" + reply.ticketId());
        Lookup lookup = lookUp(authorized(ticket, call).header("Accept", "application/json").GET().build(), task, call);
        if (lookup.failure() != null) {
            return new Decided(lookup.failure());
        }
        HttpDelivery.Answer answer = lookup.answer();
        JsonNode current = lookup.json().path("ticket");
        ArrayNode tags = JSON.createArrayNode();
        for (JsonNode tag : current.path("tags")) {
            if (tag.asText().equals(tag(task))) {
                return new Decided(new DeliveryResult.Delivered("Zendesk ticket " + reply.ticketId() + " already has the "
                        + reply.kind() + " of task " + task.id()));
            }
            tags.add(tag.asText());
        }
        String updatedAt = current.path("updated_at").asText("");
        if (updatedAt.isEmpty()) {
            return new Decided(new DeliveryResult.Retry("Zendesk answered GET " + HttpDelivery.display(ticket, call.redactor())
                    + " without the ticket's updated_at (HTTP " + answer.status() + ")", null));
        }
        tags.add(tag(task));
        return new Send(authorized(ticket, call)
                .header("Content-Type", "application/json")
                .header("Accept", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(update(reply, status, tags, updatedAt).toString()))
                .build());
    }

    ObjectNode update(HelpdeskReply reply, Optional<String> status, ArrayNode tags, String updatedAt) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode ticket = body.putObject("ticket");
        ObjectNode comment = ticket.putObject("comment").put("body", reply.text()).put("public", reply.visibleToRequester());
        if (options.authorId() != null) {
            comment.put("author_id", options.authorId());
        }
        ticket.set("tags", tags);
        status.ifPresent(value -> ticket.put("status", value));
        ticket.put("safe_update", true).put("updated_stamp", updatedAt);
        return body;
    }

    @Override
    protected String delivered(HttpDelivery.Answer answer) {
        JsonNode body = json(answer.body());
        String id = body.path("ticket").path("id").asText("");
        String audit = body.path("audit").path("id").asText("");
        return "Zendesk ticket " + (id.isEmpty() ? "updated" : id) + " has the comment" + (audit.isEmpty() ? "" : " (audit " + audit + ")")
                + " (HTTP " + answer.status() + ")";
    }

    /** 409: the ticket changed after it was read; read it again and retry. */
    @Override
    protected DeliveryResult failed(HttpDelivery.Answer answer, Task task, Redactor redactor) {
        if (answer.status() == 409) {
            return new DeliveryResult.Retry("Zendesk ticket " + TaskMapping.field(task, TICKET_FIELD).orElse("?")
                    + " changed since it was read (HTTP 409: " + HttpDelivery.abbreviate(redactor.redact(errorMessage(answer.body())))
                    + "); it is read again on the next attempt", HttpDelivery.retryAfter(answer.headers().firstValue("Retry-After")));
        }
        return super.failed(answer, task, redactor);
    }

    /**
     * Zendesk's error bodies: {@code {"error": "RecordInvalid", "description": "...", "details": {"status":
     * [{"description": "..."}]}}}, {@code {"error": "Couldn't authenticate you"}}, or {@code {"error": {"title":
     * "...", "message": "..."}}}.
     */
    @Override
    protected String errorMessage(String body) {
        JsonNode error = json(body);
        JsonNode code = error.path("error");
        if (code.isObject()) {
            String message = code.path("message").asText(code.path("title").asText(""));
            return message.isEmpty() ? body : message;
        }
        String description = error.path("description").asText("");
        if (description.isEmpty()) {
            return code.isTextual() ? code.asText() : body;
        }
        StringBuilder message = new StringBuilder(description);
        error.path("details").fields().forEachRemaining(detail -> detail.getValue().forEach(item ->
                message.append("; ").append(detail.getKey()).append(": ").append(item.path("description").asText(item.toString()))));
        return message + (code.isTextual() ? " [" + code.asText() + "]" : "");
    }

    private HttpRequest.Builder authorized(URI uri, Call call) {
        String value = options.email() == null ? "Bearer " + call.credential() : "Basic " + basic(call.credential());
        return http.request(uri).header("Authorization", value);
    }

    /** {@code base64("<email>/token:<token>")}: Zendesk's API-token form of Basic authentication. */
    private String basic(String token) {
        return Base64.getEncoder().encodeToString((options.email() + "/token:" + token).getBytes(StandardCharsets.UTF_8));
    }
}
