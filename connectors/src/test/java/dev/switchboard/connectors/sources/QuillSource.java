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
import java.util.Set;

/**
 * Quill conversations as {@code ticket.created} / {@code ticket.updated}. {@link WebhookEndpoint} does the
 * whole pipeline (method, networks, content type, signature, replays, schema, Kafka, status codes); this
 * class maps one authentic request to its event.
 */
public final class QuillSource extends WebhookEndpoint implements Source {

    static final WebhookVendor WEBHOOK = new WebhookVendor("quill",
            Set.of(Scheme.STANDARD_WEBHOOKS, Scheme.SHARED_SECRET), Scheme.STANDARD_WEBHOOKS, Accepts.JSON);
    private static final String VENDOR = "quill";

    private final Set<String> inboxes;

    QuillSource(String name, QuillSourceFactory.Options options, SourceEnvironment environment) {
        super(name, WEBHOOK, options, environment);
        this.inboxes = options.inboxes() == null ? Set.of() : Set.copyOf(options.inboxes());
    }

    @Override
    protected Mapped map(Inbound inbound) throws BadPayload {
        ObjectNode body = inbound.jsonObject();
        String kind = Ticket.text(body.get("type"));
        String type = "conversation.created".equals(kind) ? Ticket.CREATED : "conversation.updated".equals(kind) ? Ticket.UPDATED : null;
        if (type == null) {
            return Mapped.ignored("Quill event " + kind + " is not about a conversation");
        }
        JsonNode conversation = body.path("data").path("conversation");
        String conversationId = Ticket.text(conversation.get("id"));
        String eventId = Ticket.text(body.get("id"));
        if (conversationId == null || eventId == null) {
            throw new BadPayload("Quill " + kind + " without " + (eventId == null ? "id" : "data.conversation.id"));
        }
        if (!inboxes.isEmpty() && !inboxes.contains(Ticket.text(conversation.get("inbox_id")))) {
            return Mapped.ignored("Quill inbox " + Ticket.text(conversation.get("inbox_id")) + " is not one of the source's inboxes");
        }
        JsonNode customer = conversation.path("customer");
        Ticket ticket = new Ticket(conversationId, Ticket.text(conversation.get("subject")), Ticket.text(conversation.get("body")),
                Ticket.text(customer.get("name")), Ticket.text(customer.get("email")), Ticket.text(conversation.get("channel")),
                Ticket.priority(Ticket.text(conversation.get("priority"))), Ticket.tags(conversation.get("tags")),
                Ticket.text(conversation.get("url")), Ticket.text(conversation.get("status")), kind,
                Ticket.time(Ticket.text(conversation.get("updated_at"))));
        // Quill keeps an event's id across its retries: a redelivery is the same event, and the same task downstream
        return Mapped.of(ticket.toEvent(VENDOR, type, VENDOR + "-" + eventId));
    }
}
