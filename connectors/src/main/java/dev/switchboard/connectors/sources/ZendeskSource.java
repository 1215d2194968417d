package dev.switchboard.connectors.sources;

import dev.switchboard.schemas.options.OptionProblem;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.connectors.sources.auth.WebhookAuth;
import dev.switchboard.connectors.sources.auth.WebhookVerifier.Scheme;
import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.options.Example;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.spi.Source;
import dev.switchboard.schemas.spi.SourceEnvironment;
import dev.switchboard.schemas.spi.SourceFactory;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;

/**
 * Zendesk tickets as {@code ticket.created} / {@code ticket.updated}, from either Zendesk webhook
 * shape: a ticket event webhook ({@code zen:event-type:ticket.*}, whose event id becomes the
 * CloudEvent id) or a trigger whose JSON body is the template in the docs. Authenticated with the
 * webhook's signing secret.
 */
public final class ZendeskSource implements SourceFactory<ZendeskSource.Options> {

    static final String VENDOR = "zendesk";
    private static final Set<Scheme> SCHEMES = Set.of(Scheme.ZENDESK);

    @Documentation(name = "zendesk", summary = "Receives Zendesk ticket webhooks (signed with the webhook's signing secret) as ticket.created and ticket.updated events.",
            description = """
                    Two payload shapes are read. A **ticket event webhook** (`zen:event-type:ticket.created`, \
                    `…ticket.status_changed` and the other `ticket.*` types) maps `detail` to the event; its event `id` \
                    becomes the CloudEvent id. A **trigger** webhook posts whatever JSON body the trigger declares; use this one:

                    ```json
                    {"event": "ticket.created",
                     "ticket": {"id": "{{ticket.id}}", "title": "{{ticket.title}}", "description": "{{ticket.description}}",
                                "priority": "{{ticket.priority}}", "status": "{{ticket.status}}", "tags": "{{ticket.tags}}",
                                "via": "{{ticket.via}}", "url": "{{ticket.link}}", "updated_at": "{{ticket.updated_at_with_timestamp}}",
                                "requester": {"name": "{{ticket.requester.name}}", "email": "{{ticket.requester.email}}"}}}
                    ```

                    with `"event": "ticket.updated"` in the trigger that fires on updates. Authentication: `zendesk` only \
                    (`X-Zendesk-Webhook-Signature`, base64 HMAC-SHA256 of the timestamp header followed by the body, \
                    timestamp within `auth.tolerance_seconds`, replays refused). Events of other domains (users, \
                    organizations) are answered 200 and ignored.""")
    @Example(title = "Zendesk tickets into the events topic", yaml = """
            zendesk-tickets:
              zendesk:
                path: /webhooks/zendesk
                topic: switchboard.events
                auth:
                  secret_env: ZENDESK_WEBHOOK_SECRET
            """)
    public record Options(
            @Option(description = WebhookSource.PATH, defaultValue = "/webhooks/zendesk") String path,
            @Option(description = WebhookSource.TOPIC, defaultValue = "switchboard.events") String topic,
            @Option(description = WebhookSource.AUTH + " Default and only scheme: `zendesk`.", required = true) WebhookAuth auth,
            @Option(description = WebhookSource.MAX_BODY, defaultValue = "1048576", minimum = 1024, maximum = 52428800)
            @JsonProperty("max_body_bytes") Integer maxBodyBytes,
            @Option(description = WebhookSource.ACK_TIMEOUT, defaultValue = "10", minimum = 1, maximum = 120)
            @JsonProperty("ack_timeout_seconds") Integer ackTimeoutSeconds) {
    }

    @Override
    public Class<Options> optionsType() {
        return Options.class;
    }

    @Override
    @SuppressWarnings("removal")
    public List<OptionProblem> check(Options options, SourceEnvironment environment) {
        return checkMessages(options, environment).stream().map(OptionProblem::fromMessage).toList();
    }

    private List<String> checkMessages(Options options, SourceEnvironment environment) {
        List<String> problems = new ArrayList<>(WebhookSource.checkPath(path(options)));
        problems.addAll(WebhookSource.checkAuth(options.auth(), SCHEMES, Scheme.ZENDESK, VENDOR, environment));
        return problems;
    }

    @Override
    public Source create(String name, Options options, SourceEnvironment environment) {
        return WebhookSource.builder(name, VENDOR, environment)
                .listener(path(options), options.topic(), options.maxBodyBytes(), 1024 * 1024, options.ackTimeoutSeconds())
                .auth(options.auth(), Scheme.ZENDESK)
                .mapping(ZendeskSource::map)
                .build();
    }

    private static String path(Options options) {
        return options.path() == null ? "/webhooks/zendesk" : options.path();
    }

    static WebhookSource.Mapped map(WebhookSource.Inbound inbound) throws WebhookSource.BadPayload {
        ObjectNode body = inbound.jsonObject();
        String eventType = Ticket.text(body.get("type"));
        if (eventType != null && eventType.startsWith("zen:event-type:")) {
            return fromEvent(eventType, body);
        }
        if (body.get("ticket") instanceof ObjectNode ticket) {
            return fromTrigger(body, ticket, inbound.request().body());
        }
        throw new WebhookSource.BadPayload("Not a Zendesk ticket payload: expected a ticket event (type zen:event-type:ticket.*) "
                + "or a trigger body with a 'ticket' object (see the zendesk source docs for the template)");
    }

    private static WebhookSource.Mapped fromEvent(String eventType, ObjectNode body) throws WebhookSource.BadPayload {
        String kind = eventType.substring("zen:event-type:".length());
        if (!kind.startsWith("ticket.")) {
            return WebhookSource.Mapped.ignored("Zendesk event " + kind + " is not about a ticket");
        }
        JsonNode detail = body.path("detail");
        String ticketId = Ticket.text(detail.get("id"));
        if (ticketId == null) {
            String subject = Ticket.text(body.get("subject")); // zen:ticket:<id>
            ticketId = subject != null && subject.startsWith("zen:ticket:") ? subject.substring("zen:ticket:".length()) : null;
        }
        String eventId = Ticket.text(body.get("id"));
        if (ticketId == null || eventId == null) {
            throw new WebhookSource.BadPayload("Zendesk ticket event without " + (ticketId == null ? "detail.id" : "id"));
        }
        String type = kind.equals("ticket.created") ? Ticket.CREATED : Ticket.UPDATED;
        Ticket ticket = new Ticket(ticketId, Ticket.text(detail.get("subject")), Ticket.text(detail.get("description")),
                null, null, Ticket.text(detail.path("via").get("channel")), Ticket.priority(Ticket.text(detail.get("priority"))),
                Ticket.tags(detail.get("tags")), null, Ticket.text(detail.get("status")), kind,
                firstTime(Ticket.text(detail.get("updated_at")), Ticket.text(body.get("time"))));
        return WebhookSource.Mapped.of(ticket.toEvent(VENDOR, type, VENDOR + "-" + eventId));
    }

    private static WebhookSource.Mapped fromTrigger(ObjectNode body, ObjectNode ticket, byte[] raw) throws WebhookSource.BadPayload {
        String event = Ticket.text(body.get("event"));
        String type;
        if ("ticket.created".equals(event) || "created".equals(event)) {
            type = Ticket.CREATED;
        } else if ("ticket.updated".equals(event) || "updated".equals(event)) {
            type = Ticket.UPDATED;
        } else {
            throw new WebhookSource.BadPayload("Zendesk trigger body says event '" + event
                    + "', expected ticket.created or ticket.updated: put \"event\": \"ticket.created\" in the trigger's JSON body");
        }
        String ticketId = Ticket.text(ticket.get("id"));
        if (ticketId == null) {
            throw new WebhookSource.BadPayload("Zendesk trigger body has no ticket.id: use \"id\": \"{{ticket.id}}\"");
        }
        String subject = Ticket.text(ticket.has("title") ? ticket.get("title") : ticket.get("subject"));
        String updated = Ticket.text(ticket.get("updated_at"));
        JsonNode requester = ticket.path("requester");
        Ticket mapped = new Ticket(ticketId, subject, Ticket.text(ticket.get("description")),
                Ticket.text(requester.get("name")), Ticket.text(requester.get("email")), Ticket.text(ticket.get("via")),
                Ticket.priority(Ticket.text(ticket.get("priority"))), Ticket.tags(ticket.get("tags")), Ticket.text(ticket.get("url")),
                Ticket.text(ticket.get("status")), event, Ticket.time(updated));
        // No delivery id in a trigger post: the id is derived from the change, so a redelivery gets the same one.
        String id = SourceEvent.stableId(VENDOR, VENDOR, ticketId, updated != null ? updated : digest(raw), type);
        return WebhookSource.Mapped.of(mapped.toEvent(VENDOR, type, id));
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

    static String digest(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
