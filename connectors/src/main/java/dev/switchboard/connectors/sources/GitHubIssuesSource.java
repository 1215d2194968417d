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
import java.util.List;
import java.util.Set;

/**
 * GitHub issues as tickets: {@code opened} is {@code ticket.created}, every other action
 * {@code ticket.updated}. Authenticated with {@code X-Hub-Signature-256}.
 */
public final class GitHubIssuesSource extends WebhookEndpoint implements Source {

    static final WebhookVendor WEBHOOK = new WebhookVendor("github-issues", Set.of(Scheme.GITHUB), Scheme.GITHUB, Accepts.JSON);
    static final String VENDOR = "github";

    GitHubIssuesSource(String name, GitHubIssuesSourceFactory.Options options, SourceEnvironment environment) {
        super(name, WEBHOOK, options, environment);
    }

    @Override
    protected Mapped map(Inbound inbound) throws BadPayload {
        String event = inbound.header("X-GitHub-Event");
        if (event == null) {
            throw new BadPayload("Missing X-GitHub-Event header: this endpoint takes GitHub webhook deliveries");
        }
        if (!event.equals("issues")) {
            return Mapped.ignored("GitHub event '" + event + "' is not an issues event");
        }
        ObjectNode body = inbound.jsonObject();
        String action = Ticket.text(body.get("action"));
        JsonNode issue = body.path("issue");
        String repository = Ticket.text(body.path("repository").get("full_name"));
        String number = Ticket.text(issue.get("number"));
        if (action == null || repository == null || number == null) {
            throw new BadPayload("GitHub issues payload without " + (action == null ? "action"
                    : repository == null ? "repository.full_name" : "issue.number"));
        }
        String ticketId = repository + "#" + number;
        List<String> labels = Ticket.tags(issue.get("labels"));
        String updated = Ticket.text(issue.get("updated_at"));
        String type = action.equals("opened") ? Ticket.CREATED : Ticket.UPDATED;
        Ticket ticket = new Ticket(ticketId, Ticket.text(issue.get("title")), Ticket.text(issue.get("body")),
                Ticket.text(issue.path("user").get("login")), null, VENDOR, priority(labels), labels,
                Ticket.text(issue.get("html_url")), Ticket.text(issue.get("state")), action, Ticket.time(updated));
        // Two changes in the same second differ by what changed: the label or assignee of the action.
        String id = SourceEvent.stableId(VENDOR, VENDOR, Ticket.text(issue.get("id")), ticketId, updated, action,
                Ticket.text(body.path("label").get("name")), Ticket.text(body.path("assignee").get("login")));
        return Mapped.of(ticket.toEvent(VENDOR, type, id));
    }

    /** The highest priority any label names ({@code priority: high}, {@code P1}, {@code urgent}). */
    static String priority(List<String> labels) {
        List<String> order = List.of("urgent", "high", "normal", "low");
        String best = null;
        for (String label : labels) {
            String mapped = Ticket.priority(label.replaceFirst("(?i)^priority\\s*[:/]\\s*", ""));
            if (mapped != null && (best == null || order.indexOf(mapped) < order.indexOf(best))) {
                best = mapped;
            }
        }
        return best;
    }
}
