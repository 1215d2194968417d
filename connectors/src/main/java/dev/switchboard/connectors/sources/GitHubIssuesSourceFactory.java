package dev.switchboard.connectors.sources;

import dev.switchboard.connectors.sources.webhook.WebhookListener;
import dev.switchboard.connectors.sources.webhook.WebhookSourceFactory;
import dev.switchboard.connectors.sources.webhook.WebhookSourceOptions;
import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.options.Example;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.options.OptionGroup;

/** Makes {@link GitHubIssuesSource}s: GitHub issues webhooks, signed with {@code X-Hub-Signature-256}. */
public final class GitHubIssuesSourceFactory extends WebhookSourceFactory<GitHubIssuesSourceFactory.Options> {

    public GitHubIssuesSourceFactory() {
        super(Options.class, GitHubIssuesSource.WEBHOOK, GitHubIssuesSource::new);
    }

    @Documentation(name = "github-issues", summary = "Receives GitHub issues webhooks (X-Hub-Signature-256) as ticket.created and ticket.updated events.",
            description = """
                    In the repository's (or organization's) webhook settings choose content type `application/json`, \
                    set a secret, and select the *Issues* event. Authentication: `github` only, the `X-Hub-Signature-256` HMAC \
                    of the body. The ticket id is `owner/repo#number`; the requester is \
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
            @OptionGroup(defaults = @OptionGroup.Default(option = "path", value = "/webhooks/github"))
            WebhookListener.Json listener) implements WebhookSourceOptions {
    }
}
