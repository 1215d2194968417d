package dev.switchboard.connectors.sources;

import dev.switchboard.connectors.sources.webhook.WebhookListener;
import dev.switchboard.connectors.sources.webhook.WebhookSourceFactory;
import dev.switchboard.connectors.sources.webhook.WebhookSourceOptions;
import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.options.Example;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.options.OptionGroup;

/** Makes {@link JiraServiceManagementSource}s: Jira Service Management issue webhooks, with a credential the webhook or rule adds. */
public final class JiraServiceManagementSourceFactory extends WebhookSourceFactory<JiraServiceManagementSourceFactory.Options> {

    public JiraServiceManagementSourceFactory() {
        super(Options.class, JiraServiceManagementSource.WEBHOOK, JiraServiceManagementSource::new);
    }

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
                    action with a secret header (`shared-secret`), or with basic auth (`basic`) or Standard Webhooks \
                    (`standard-webhooks`, the default) from a relay.""")
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
            @OptionGroup(defaults = @OptionGroup.Default(option = "path", value = "/webhooks/jira"))
            WebhookListener.Json listener) implements WebhookSourceOptions {
    }
}
