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
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * GitHub issues as tickets: {@code opened} is {@code ticket.created}, every other action
 * {@code ticket.updated}. Authenticated with {@code X-Hub-Signature-256}.
 */
public final class GitHubIssuesSource implements SourceFactory<GitHubIssuesSource.Options> {

    static final String VENDOR = "github";
    private static final Set<Scheme> SCHEMES = Set.of(Scheme.GITHUB);

    @Documentation(name = "github-issues", summary = "Receives GitHub issues webhooks (X-Hub-Signature-256) as ticket.created and ticket.updated events.",
            description = """
                    In the repository's (or organization's) webhook settings choose content type `application/json`, \
                    set a secret, and select the *Issues* event. The ticket id is `owner/repo#number`; the requester is \
                    the issue author's login; tags are the label names; the priority comes from a label \
                    (`urgent`/`critical`/`P0` → urgent, `high`/`P1` → high, `medium`/`P2` → normal, `low`/`P3` → low, \
                    optionally prefixed `priority:` or `priority/`). `ping` and events other than `issues` are answered \
                    200 and ignored. GitHub signs neither a timestamp nor the delivery id, so there is no replay window \
                    to enforce; event ids are derived from the issue, its `updated_at` and the action, so a redelivery \
                    is the same event and deduplication downstream absorbs it.""")
    @Example(title = "Issues of a repository into the events topic", yaml = """
            github-issues:
              github-issues:
                path: /webhooks/github
                auth:
                  secret_env: GITHUB_WEBHOOK_SECRET
                  allowed_networks: [192.30.252.0/22, 185.199.108.0/22, 140.82.112.0/20, 143.55.64.0/20]
            """)
    public record Options(
            @Option(description = WebhookSource.PATH, defaultValue = "/webhooks/github") String path,
            @Option(description = WebhookSource.TOPIC, defaultValue = "switchboard.events") String topic,
            @Option(description = WebhookSource.AUTH + " Default and only scheme: `github`.", required = true) WebhookAuth auth,
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
        problems.addAll(WebhookSource.checkAuth(options.auth(), SCHEMES, Scheme.GITHUB, "github-issues", environment));
        return problems;
    }

    @Override
    public Source create(String name, Options options, SourceEnvironment environment) {
        return WebhookSource.builder(name, "github-issues", environment)
                .listener(path(options), options.topic(), options.maxBodyBytes(), 1024 * 1024, options.ackTimeoutSeconds())
                .auth(options.auth(), Scheme.GITHUB)
                .mapping(GitHubIssuesSource::map)
                .build();
    }

    private static String path(Options options) {
        return options.path() == null ? "/webhooks/github" : options.path();
    }

    static WebhookSource.Mapped map(WebhookSource.Inbound inbound) throws WebhookSource.BadPayload {
        String event = inbound.header("X-GitHub-Event");
        if (event == null) {
            throw new WebhookSource.BadPayload("Missing X-GitHub-Event header: this endpoint takes GitHub webhook deliveries");
        }
        if (!event.equals("issues")) {
            return WebhookSource.Mapped.ignored("GitHub event '" + event + "' is not an issues event");
        }
        ObjectNode body = inbound.jsonObject();
        String action = Ticket.text(body.get("action"));
        JsonNode issue = body.path("issue");
        String repository = Ticket.text(body.path("repository").get("full_name"));
        String number = Ticket.text(issue.get("number"));
        if (action == null || repository == null || number == null) {
            throw new WebhookSource.BadPayload("GitHub issues payload without " + (action == null ? "action"
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
        return WebhookSource.Mapped.of(ticket.toEvent(VENDOR, type, id));
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
