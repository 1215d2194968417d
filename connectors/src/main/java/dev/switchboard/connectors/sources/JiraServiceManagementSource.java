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
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Jira Service Management requests from Jira issue webhooks ({@code jira:issue_created},
 * {@code jira:issue_updated}); the request must carry a credential the webhook or automation rule adds.
 */
public final class JiraServiceManagementSource implements SourceFactory<JiraServiceManagementSource.Options> {

    static final String VENDOR = "jira";
    private static final Set<Scheme> SCHEMES = Set.of(Scheme.SHARED_SECRET, Scheme.BASIC, Scheme.STANDARD_WEBHOOKS);

    @Documentation(name = "jira-sm", summary = "Receives Jira Service Management issue webhooks as ticket.created and ticket.updated events.",
            description = """
                    Reads the Jira issue webhook payload (`webhookEvent`, `issue.key`, `issue.fields`): \
                    `jira:issue_created` is ticket.created, `jira:issue_updated` and `jira:issue_deleted` are \
                    ticket.updated; other events are answered 200 and ignored. The ticket id is the issue key \
                    (`SUP-42`); the body is the description (wiki text, or Atlassian Document Format flattened to text); \
                    the requester is the reporter; tags are the labels; the URL is `<site>/browse/<key>`; priorities \
                    Highest/Critical/Blocker → urgent, High/Major → high, Medium → normal, Low/Lowest/Minor/Trivial → low. \
                    The delivery id `X-Atlassian-Webhook-Identifier`, the same on every retry, becomes the event id. \
                    Authentication: Jira's webhooks are best sent through an automation rule's *Send web request* \
                    action with a secret header (`shared-secret`), or with basic auth or Standard Webhooks from a relay.""")
    @Example(title = "Jira Service Management with a secret header", yaml = """
            jira-requests:
              jira-sm:
                path: /webhooks/jira
                auth:
                  scheme: shared-secret
                  header: X-Switchboard-Token
                  secret_env: JIRA_WEBHOOK_TOKEN
            """)
    public record Options(
            @Option(description = WebhookSource.PATH, defaultValue = "/webhooks/jira") String path,
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
        problems.addAll(WebhookSource.checkAuth(options.auth(), SCHEMES, Scheme.STANDARD_WEBHOOKS, "jira-sm", environment));
        return problems;
    }

    @Override
    public Source create(String name, Options options, SourceEnvironment environment) {
        return WebhookSource.builder(name, "jira-sm", environment)
                .listener(path(options), options.topic(), options.maxBodyBytes(), 1024 * 1024, options.ackTimeoutSeconds())
                .auth(options.auth(), Scheme.STANDARD_WEBHOOKS)
                .mapping(JiraServiceManagementSource::map)
                .build();
    }

    private static String path(Options options) {
        return options.path() == null ? "/webhooks/jira" : options.path();
    }

    static WebhookSource.Mapped map(WebhookSource.Inbound inbound) throws WebhookSource.BadPayload {
        ObjectNode body = inbound.jsonObject();
        String event = Ticket.text(body.get("webhookEvent"));
        if (event == null) {
            throw new WebhookSource.BadPayload("Not a Jira webhook payload: no webhookEvent");
        }
        if (!event.startsWith("jira:issue_")) {
            return WebhookSource.Mapped.ignored("Jira event '" + event + "' is not an issue event");
        }
        JsonNode issue = body.path("issue");
        JsonNode fields = issue.path("fields");
        String key = Ticket.text(issue.get("key"));
        if (key == null) {
            throw new WebhookSource.BadPayload("Jira issue payload without issue.key");
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
        return WebhookSource.Mapped.of(ticket.toEvent(VENDOR, type, id));
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
