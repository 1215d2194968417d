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
import java.util.Objects;
import java.util.Set;

/**
 * Zendesk tickets as {@code ticket.created} / {@code ticket.updated}, from either Zendesk webhook
 * shape: a ticket event webhook ({@code zen:event-type:ticket.*}, whose event id becomes the
 * CloudEvent id) or a trigger whose JSON body is the template in the docs. Authenticated with the
 * webhook's signing secret.
 */
public final class ZendeskSource extends WebhookEndpoint implements Source {

    static final WebhookVendor WEBHOOK = new WebhookVendor("zendesk", Set.of(Scheme.ZENDESK), Scheme.ZENDESK, Accepts.JSON);
    static final String VENDOR = "zendesk";
    /** The type of a ticket event webhook's payload starts so: {@code zen:event-type:ticket.created}. */
    private static final String EVENT_TYPE = "zen:event-type:";
    /** A ticket event's subject names the ticket: {@code zen:ticket:<id>}. */
    private static final String TICKET_SUBJECT = "zen:ticket:";

    ZendeskSource(String name, ZendeskSourceFactory.Options options, SourceEnvironment environment) {
        super(name, WEBHOOK, options, environment);
    }

    @Override
    protected Mapped map(Inbound inbound) throws BadPayload {
        ObjectNode body = inbound.jsonObject();
        String type = Objects.requireNonNullElse(Ticket.text(body.get("type")), "");
        if (type.startsWith(EVENT_TYPE)) {
            return fromEvent(type.substring(EVENT_TYPE.length()), body);
        }
        if (body.get("ticket") instanceof ObjectNode ticket) {
            return fromTrigger(body, ticket, inbound.request().body());
        }
        throw new BadPayload("Not a Zendesk ticket payload: expected a ticket event (type zen:event-type:ticket.*) "
                + "or a trigger body with a 'ticket' object (see the zendesk source docs for the template)");
    }

    private static Mapped fromEvent(String kind, ObjectNode body) throws BadPayload {
        if (!kind.startsWith("ticket.")) {
            return Mapped.ignored("Zendesk event " + kind + " is not about a ticket");
        }
        JsonNode detail = body.path("detail");
        String ticketId = Ticket.text(detail.get("id"));
        if (ticketId == null) {
            String subject = Ticket.text(body.get("subject"));
            ticketId = subject != null && subject.startsWith(TICKET_SUBJECT) ? subject.substring(TICKET_SUBJECT.length()) : null;
        }
        String eventId = Ticket.text(body.get("id"));
        if (ticketId == null || eventId == null) {
            throw new BadPayload("Zendesk ticket event without " + (ticketId == null ? "detail.id" : "id"));
        }
        String type = kind.equals("ticket.created") ? Ticket.CREATED : Ticket.UPDATED;
        Ticket ticket = new Ticket(ticketId, Ticket.text(detail.get("subject")), Ticket.text(detail.get("description")),
                null, null, Ticket.text(detail.path("via").get("channel")), Ticket.priority(Ticket.text(detail.get("priority"))),
                Ticket.tags(detail.get("tags")), null, Ticket.text(detail.get("status")), kind,
                firstTime(Ticket.text(detail.get("updated_at")), Ticket.text(body.get("time"))));
        return Mapped.of(ticket.toEvent(VENDOR, type, VENDOR + "-" + eventId));
    }

    private static Mapped fromTrigger(ObjectNode body, ObjectNode ticket, byte[] raw) throws BadPayload {
        String event = Ticket.text(body.get("event"));
        String type;
        if ("ticket.created".equals(event) || "created".equals(event)) {
            type = Ticket.CREATED;
        } else if ("ticket.updated".equals(event) || "updated".equals(event)) {
            type = Ticket.UPDATED;
        } else {
            throw new BadPayload("Zendesk trigger body says event '" + event
                    + "', expected ticket.created or ticket.updated: put \"event\": \"ticket.created\" in the trigger's JSON body");
        }
        String ticketId = Ticket.text(ticket.get("id"));
        if (ticketId == null) {
            throw new BadPayload("Zendesk trigger body has no ticket.id: use \"id\": \"{{ticket.id}}\"");
        }
        String subject = Ticket.text(ticket.has("title") ? ticket.get("title") : ticket.get("subject"));
        String updated = Ticket.text(ticket.get("updated_at"));
        JsonNode requester = ticket.path("requester");
        Ticket mapped = new Ticket(ticketId, subject, Ticket.text(ticket.get("description")),
                Ticket.text(requester.get("name")), Ticket.text(requester.get("email")), Ticket.text(ticket.get("via")),
                Ticket.priority(Ticket.text(ticket.get("priority"))), Ticket.tags(ticket.get("tags")), Ticket.text(ticket.get("url")),
                Ticket.text(ticket.get("status")), event, Ticket.time(updated));
        // No delivery id in a trigger post: the id is derived from the change, so a redelivery gets the same one.
        String id = SourceEvent.stableId(VENDOR, VENDOR, ticketId, updated != null ? updated : SourceEvent.digest(raw), type);
        return Mapped.of(mapped.toEvent(VENDOR, type, id));
    }

    private static java.time.Instant firstTime(String... candidates) {
        for (String candidate : candidates) {
            java.time.Instant time = Ticket.time(candidate);
            if (time != null) {
                return time;
            }
        }
        return null;
    }
}
