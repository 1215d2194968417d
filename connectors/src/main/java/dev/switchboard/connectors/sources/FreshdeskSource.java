package dev.switchboard.connectors.sources;

import dev.switchboard.schemas.options.OptionProblem;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.connectors.sources.auth.WebhookAuth;
import dev.switchboard.connectors.sources.auth.WebhookVerifier.Scheme;
import dev.switchboard.connectors.sources.internal.HtmlText;
import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.options.Example;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.spi.Source;
import dev.switchboard.schemas.spi.SourceEnvironment;
import dev.switchboard.schemas.spi.SourceFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Freshdesk tickets from automation-rule webhooks. Freshdesk signs nothing, so the request must
 * carry a credential the rule adds: a shared-secret header, basic auth, or a Standard Webhooks
 * signature from a relay.
 */
public final class FreshdeskSource implements SourceFactory<FreshdeskSource.Options> {

    static final String VENDOR = "freshdesk";
    private static final Set<Scheme> SCHEMES = Set.of(Scheme.SHARED_SECRET, Scheme.BASIC, Scheme.STANDARD_WEBHOOKS);
    private static final Map<String, String> PRIORITY_CODES = Map.of("1", "low", "2", "normal", "3", "high", "4", "urgent");
    private static final Map<String, String> SOURCE_CODES = Map.of("1", "email", "2", "portal", "3", "phone", "7", "chat",
            "9", "feedback widget", "10", "outbound email");

    @Documentation(name = "freshdesk", summary = "Receives Freshdesk automation-rule webhooks as ticket.created and ticket.updated events.",
            description = """
                    Freshdesk has no signature scheme: add a credential in the automation rule's *Trigger webhook* action, \
                    either a custom header (`auth.scheme: shared-secret`, e.g. `Authorization: Bearer <secret>`) or \
                    *Requires authentication* with a user name and password (`basic`). `standard-webhooks` fits when a relay \
                    signs the requests. Choose JSON encoding; both *Simple* content (`{"freshdesk_webhook": {"ticket_id": …, \
                    "ticket_subject": …}}`) and *Advanced* content shaped `{"ticket": {"id", "subject", "description", \
                    "priority", "status", "source", "tags", "url", "requester": {"name", "email"}, "updated_at"}}` are read. \
                    Freshdesk does not say which event fired, so say it: add `?event=created` or `?event=updated` to the \
                    webhook URL of each rule (or `"event"` to an Advanced body). Without it, a ticket whose created and \
                    updated times are equal counts as created, and a request with neither is refused with 400. \
                    Priorities 1–4 / Low, Medium, High, Urgent map to low, normal, high, urgent; HTML descriptions become text.""")
    @Example(title = "Freshdesk rules with a bearer token", yaml = """
            freshdesk-tickets:
              freshdesk:
                path: /webhooks/freshdesk
                auth:
                  scheme: shared-secret
                  header: Authorization
                  secret_env: FRESHDESK_WEBHOOK_TOKEN
            """)
    public record Options(
            @Option(description = WebhookSource.PATH, defaultValue = "/webhooks/freshdesk") String path,
            @Option(description = WebhookSource.TOPIC, defaultValue = "switchboard.events") String topic,
            @Option(description = WebhookSource.AUTH + " Schemes: `shared-secret`, `basic`, `standard-webhooks` (the default).", required = true)
            WebhookAuth auth,
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
        problems.addAll(WebhookSource.checkAuth(options.auth(), SCHEMES, Scheme.STANDARD_WEBHOOKS, VENDOR, environment));
        return problems;
    }

    @Override
    public Source create(String name, Options options, SourceEnvironment environment) {
        return WebhookSource.builder(name, VENDOR, environment)
                .listener(path(options), options.topic(), options.maxBodyBytes(), 1024 * 1024, options.ackTimeoutSeconds())
                .auth(options.auth(), Scheme.STANDARD_WEBHOOKS)
                .mapping(FreshdeskSource::map)
                .build();
    }

    private static String path(Options options) {
        return options.path() == null ? "/webhooks/freshdesk" : options.path();
    }

    static WebhookSource.Mapped map(WebhookSource.Inbound inbound) throws WebhookSource.BadPayload {
        ObjectNode body = inbound.jsonObject();
        Fields fields;
        if (body.get("freshdesk_webhook") instanceof ObjectNode simple) {
            fields = name -> simple.get("ticket_" + name.replace('.', '_'));
        } else if (body.get("ticket") instanceof ObjectNode ticket) {
            fields = name -> name.contains(".") ? ticket.path(name.substring(0, name.indexOf('.'))).get(name.substring(name.indexOf('.') + 1))
                    : ticket.get(name);
        } else {
            throw new WebhookSource.BadPayload("Not a Freshdesk ticket payload: expected {\"freshdesk_webhook\": {…}} (Simple content) "
                    + "or {\"ticket\": {…}} (Advanced content)");
        }
        String ticketId = Ticket.text(fields.get("id"));
        if (ticketId == null) {
            throw new WebhookSource.BadPayload("Freshdesk payload has no ticket id (ticket_id, or ticket.id)");
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
        String id = SourceEvent.stableId(VENDOR, VENDOR, ticketId, updated != null ? updated : ZendeskSource.digest(inbound.request().body()), type);
        return WebhookSource.Mapped.of(ticket.toEvent(VENDOR, type, id));
    }

    private interface Fields {
        JsonNode get(String name);
    }

    private static String eventType(String query, String declared, String triggered, String created, String updated)
            throws WebhookSource.BadPayload {
        for (String said : new String[] {query, declared}) {
            if (said != null) {
                if (said.equals("created") || said.equals("ticket.created")) {
                    return Ticket.CREATED;
                }
                if (said.equals("updated") || said.equals("ticket.updated")) {
                    return Ticket.UPDATED;
                }
                throw new WebhookSource.BadPayload("Unknown Freshdesk event '" + said + "': expected created or updated");
            }
        }
        if (triggered != null) {
            return triggered.contains("created") ? Ticket.CREATED : Ticket.UPDATED;
        }
        if (created != null && updated != null) {
            return created.equals(updated) ? Ticket.CREATED : Ticket.UPDATED;
        }
        throw new WebhookSource.BadPayload("Freshdesk does not say which event fired: add ?event=created or ?event=updated "
                + "to the webhook URL of the automation rule");
    }
}
