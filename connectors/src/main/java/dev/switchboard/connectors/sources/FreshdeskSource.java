package dev.switchboard.connectors.sources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.connectors.sources.auth.WebhookVerifier.Scheme;
import dev.switchboard.connectors.sources.internal.HtmlText;
import dev.switchboard.connectors.sources.webhook.Accepts;
import dev.switchboard.connectors.sources.webhook.BadPayload;
import dev.switchboard.connectors.sources.webhook.Inbound;
import dev.switchboard.connectors.sources.webhook.Mapped;
import dev.switchboard.connectors.sources.webhook.WebhookEndpoint;
import dev.switchboard.connectors.sources.webhook.WebhookVendor;
import dev.switchboard.schemas.spi.Source;
import dev.switchboard.schemas.spi.SourceEnvironment;
import java.util.Map;
import java.util.Set;

/**
 * Freshdesk tickets from automation-rule webhooks. Freshdesk signs nothing, so the request must
 * carry a credential the rule adds: a shared-secret header, basic auth, or a Standard Webhooks
 * signature from a relay.
 */
public final class FreshdeskSource extends WebhookEndpoint implements Source {

    static final WebhookVendor WEBHOOK = new WebhookVendor("freshdesk",
            Set.of(Scheme.SHARED_SECRET, Scheme.BASIC, Scheme.STANDARD_WEBHOOKS), Scheme.STANDARD_WEBHOOKS, Accepts.JSON);
    static final String VENDOR = "freshdesk";
    private static final Map<String, String> PRIORITY_CODES = Map.of("1", "low", "2", "normal", "3", "high", "4", "urgent");
    private static final Map<String, String> SOURCE_CODES = Map.of("1", "email", "2", "portal", "3", "phone", "7", "chat",
            "9", "feedback widget", "10", "outbound email");

    FreshdeskSource(String name, FreshdeskSourceFactory.Options options, SourceEnvironment environment) {
        super(name, WEBHOOK, options, environment);
    }

    @Override
    protected Mapped map(Inbound inbound) throws BadPayload {
        ObjectNode body = inbound.jsonObject();
        Fields fields;
        if (body.get("freshdesk_webhook") instanceof ObjectNode simple) {
            fields = name -> simple.get("ticket_" + name.replace('.', '_'));
        } else if (body.get("ticket") instanceof ObjectNode ticket) {
            fields = name -> name.contains(".") ? ticket.path(name.substring(0, name.indexOf('.'))).get(name.substring(name.indexOf('.') + 1))
                    : ticket.get(name);
        } else {
            throw new BadPayload("Not a Freshdesk ticket payload: expected {\"freshdesk_webhook\": {…}} (Simple content) "
                    + "or {\"ticket\": {…}} (Advanced content)");
        }
        String ticketId = Ticket.text(fields.get("id"));
        if (ticketId == null) {
            throw new BadPayload("Freshdesk payload has no ticket id (ticket_id, or ticket.id)");
        }
        String created = Ticket.text(fields.get("created_at"));
        String updated = Ticket.text(fields.get("updated_at"));
        String type = eventType(inbound.query("event"), Ticket.text(body.get("event")),
                Ticket.text(body.path("freshdesk_webhook").get("triggered_event")), created, updated);
        String description = Ticket.text(fields.get("description"));
        if (description != null && description.contains("<")) {
            description = HtmlText.toText(description);
        }
        String priority = Ticket.text(fields.get("priority"));
        String source = Ticket.text(fields.get("source"));
        Ticket ticket = new Ticket(ticketId, Ticket.text(fields.get("subject")), description,
                Ticket.text(fields.get("requester.name")), Ticket.text(fields.get("requester.email")),
                source == null ? null : SOURCE_CODES.getOrDefault(source, source.toLowerCase(java.util.Locale.ROOT)),
                priority == null ? null : PRIORITY_CODES.getOrDefault(priority, Ticket.priority(priority)),
                Ticket.tags(fields.get("tags")), Ticket.text(fields.get("url")), Ticket.text(fields.get("status")),
                type.equals(Ticket.UPDATED) ? "updated" : null, Ticket.time(updated != null ? updated : created));
        String id = SourceEvent.stableId(VENDOR, VENDOR, ticketId, updated != null ? updated : SourceEvent.digest(inbound.request().body()), type);
        return Mapped.of(ticket.toEvent(VENDOR, type, id));
    }

    private interface Fields {
        JsonNode get(String name);
    }

    private static String eventType(String query, String declared, String triggered, String created, String updated)
            throws BadPayload {
        for (String said : new String[] {query, declared}) {
            if (said != null) {
                if (said.equals("created") || said.equals("ticket.created")) {
                    return Ticket.CREATED;
                }
                if (said.equals("updated") || said.equals("ticket.updated")) {
                    return Ticket.UPDATED;
                }
                throw new BadPayload("Unknown Freshdesk event '" + said + "': expected created or updated");
            }
        }
        if (triggered != null) {
            return triggered.contains("created") ? Ticket.CREATED : Ticket.UPDATED;
        }
        if (created != null && updated != null) {
            return created.equals(updated) ? Ticket.CREATED : Ticket.UPDATED;
        }
        throw new BadPayload("Freshdesk does not say which event fired: add ?event=created or ?event=updated "
                + "to the webhook URL of the automation rule");
    }
}
