package dev.switchboard.connectors.sources;

import dev.switchboard.connectors.sources.webhook.WebhookListener;
import dev.switchboard.connectors.sources.webhook.WebhookSourceFactory;
import dev.switchboard.connectors.sources.webhook.WebhookSourceOptions;
import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.options.Example;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.options.OptionGroup;

/** Makes {@link FreshdeskSource}s: Freshdesk automation-rule webhooks, with a credential the rule adds. */
public final class FreshdeskSourceFactory extends WebhookSourceFactory<FreshdeskSourceFactory.Options> {

    public FreshdeskSourceFactory() {
        super(Options.class, FreshdeskSource.WEBHOOK, FreshdeskSource::new);
    }

    @Documentation(name = "freshdesk", summary = "Receives Freshdesk automation-rule webhooks as ticket.created and ticket.updated events.",
            description = """
                    Freshdesk has no signature scheme: add a credential in the automation rule's *Trigger webhook* action, \
                    either a custom header (`auth.scheme: shared-secret`, e.g. `Authorization: Bearer <secret>`) or \
                    *Requires authentication* with a user name and password (`basic`). `standard-webhooks`, the default, fits \
                    when a relay signs the requests. Choose JSON encoding; both *Simple* content (`{"freshdesk_webhook": {"ticket_id": …, \
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
            @OptionGroup(defaults = @OptionGroup.Default(option = "path", value = "/webhooks/freshdesk"))
            WebhookListener.Json listener) implements WebhookSourceOptions {
    }
}
