package dev.switchboard.connectors.sources;

import dev.switchboard.connectors.sources.webhook.WebhookListener;
import dev.switchboard.connectors.sources.webhook.WebhookSourceFactory;
import dev.switchboard.connectors.sources.webhook.WebhookSourceOptions;
import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.options.Example;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.options.OptionGroup;

/** Makes {@link ZendeskSource}s: Zendesk ticket webhooks, signed with the webhook's signing secret. */
public final class ZendeskSourceFactory extends WebhookSourceFactory<ZendeskSourceFactory.Options> {

    public ZendeskSourceFactory() {
        super(Options.class, ZendeskSource.WEBHOOK, ZendeskSource::new);
    }

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
            @OptionGroup(defaults = @OptionGroup.Default(option = "path", value = "/webhooks/zendesk"))
            WebhookListener.Json listener) implements WebhookSourceOptions {
    }
}
