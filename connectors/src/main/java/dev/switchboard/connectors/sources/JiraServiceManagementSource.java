package dev.switchboard.connectors.sources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.connectors.sources.auth.WebhookVerifier.Scheme;
import dev.switchboard.connectors.sources.webhook.Accepts;
import dev.switchboard.connectors.sources.webhook.BadPayload;
import dev.switchboard.connectors.sources.webhook.Inbound;
import dev.switchboard.connectors.sources.webhook.Mapped;
import dev.switchboard.connectors.sources.webhook.WebhookEndpoint;
import dev.switchboard.connectors.sources.webhook.WebhookVendor;
import dev.switchboard.schemas.spi.Source;
import dev.switchboard.schemas.spi.SourceEnvironment;
import java.net.URI;
import java.util.Set;

/**
 * Jira Service Management requests from Jira issue webhooks ({@code jira:issue_created},
 * {@code jira:issue_updated}); the request must carry a credential the webhook or automation rule adds.
 */
public final class JiraServiceManagementSource extends WebhookEndpoint implements Source {

    static final WebhookVendor WEBHOOK = new WebhookVendor("jira-sm",
            Set.of(Scheme.SHARED_SECRET, Scheme.BASIC, Scheme.STANDARD_WEBHOOKS), Scheme.STANDARD_WEBHOOKS, Accepts.JSON);
    static final String VENDOR = "jira";

    JiraServiceManagementSource(String name, JiraServiceManagementSourceFactory.Options options, SourceEnvironment environment) {
        super(name, WEBHOOK, options, environment);
    }

    @Override
    protected Mapped map(Inbound inbound) throws BadPayload {
        ObjectNode body = inbound.jsonObject();
        String event = Ticket.text(body.get("webhookEvent"));
        if (event == null) {
            throw new BadPayload("Not a Jira webhook payload: no webhookEvent");
        }
        if (!event.startsWith("jira:issue_")) {
            return Mapped.ignored("Jira event '" + event + "' is not an issue event");
        }
        JsonNode issue = body.path("issue");
        JsonNode fields = issue.path("fields");
        String key = Ticket.text(issue.get("key"));
        if (key == null) {
            throw new BadPayload("Jira issue payload without issue.key");
        }
        String type = event.equals("jira:issue_created") ? Ticket.CREATED : Ticket.UPDATED;
        String updated = Ticket.text(fields.get("updated"));
        String change = Ticket.text(body.get("issue_event_type_name"));
        Ticket ticket = new Ticket(key, Ticket.text(fields.get("summary")), description(fields.get("description")),
                Ticket.text(fields.path("reporter").get("displayName")), Ticket.text(fields.path("reporter").get("emailAddress")),
                VENDOR, Ticket.priority(Ticket.text(fields.path("priority").get("name"))), Ticket.tags(fields.get("labels")),
                browseUrl(Ticket.text(issue.get("self")), key), Ticket.text(fields.path("status").get("name")),
                change != null ? change : event.substring("jira:".length()), Ticket.time(updated));
        String delivery = inbound.header("X-Atlassian-Webhook-Identifier");
        String id = delivery != null ? VENDOR + "-" + delivery
                : SourceEvent.stableId(VENDOR, VENDOR, Ticket.text(issue.get("id")), key, updated, event, Ticket.text(body.get("timestamp")));
        return Mapped.of(ticket.toEvent(VENDOR, type, id));
    }

    /** Wiki text as it is; Atlassian Document Format (REST v3) flattened to its text, one line per block. */
    static String description(JsonNode node) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (node.isTextual()) {
            return node.asText();
        }
        StringBuilder text = new StringBuilder();
        flatten(node, text);
        return text.toString().strip();
    }

    private static void flatten(JsonNode node, StringBuilder text) {
        if ("text".equals(node.path("type").asText()) && node.has("text")) {
            text.append(node.get("text").asText());
        } else if ("hardBreak".equals(node.path("type").asText())) {
            text.append('\n');
        }
        node.path("content").forEach(child -> flatten(child, text));
        String type = node.path("type").asText();
        if (type.equals("paragraph") || type.equals("heading") || type.equals("listItem") || type.equals("codeBlock")) {
            text.append('\n');
        }
    }

    private static String browseUrl(String self, String key) {
        if (self == null) {
            return null;
        }
        try {
            URI uri = URI.create(self);
            if (uri.getScheme() == null || uri.getAuthority() == null) {
                return null;
            }
            return uri.getScheme() + "://" + uri.getAuthority() + "/browse/" + key;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
