package dev.switchboard.connectors.sources;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.connectors.sources.webhook.WebhookListener;
import dev.switchboard.connectors.sources.webhook.WebhookSourceFactory;
import dev.switchboard.connectors.sources.webhook.WebhookSourceOptions;
import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.options.Example;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.options.OptionGroup;
import java.util.List;

/** Makes {@link CloudEventsHttpSource}s: CloudEvents over HTTP, structured, binary and batch modes. */
public final class CloudEventsHttpSourceFactory extends WebhookSourceFactory<CloudEventsHttpSourceFactory.Options> {

    public CloudEventsHttpSourceFactory() {
        super(Options.class, CloudEventsHttpSource.WEBHOOK, CloudEventsHttpSource::new);
    }

    @Documentation(name = "cloudevents", summary = "Accepts CloudEvents over HTTP (structured, binary and batch modes) and publishes each valid one.",
            description = """
                    *Structured mode*: `Content-Type: application/cloudevents+json`, the body is the event. *Binary mode*: \
                    accepted only under `shared-secret` or `basic` authentication (a `standard-webhooks` signature covers \
                    the body, not the `ce-*` headers, so that scheme answers a binary-mode request 415), \
                    the attributes in `ce-id`, `ce-source`, `ce-type`, `ce-specversion` (and `ce-subject`, `ce-time`, any \
                    extension as `ce-<name>`, values percent-decoded), `Content-Type: application/json` (or any `+json` type) \
                    and the data as the body. *Batch mode*: `Content-Type: application/cloudevents-batch+json`, a JSON array of \
                    structured events, published all or none: if one is invalid nothing is published. Each event is validated \
                    (CloudEvents 1.0 envelope; data against its schema when the type is one Switchboard ships) and an \
                    invalid one is answered 400 with the reason. The Kafka key is the event's `subject`, else its `id`. \
                    Authentication: `standard-webhooks` over the raw body (the default), `shared-secret` or `basic`.""")
    @Example(title = "Events from internal services, signed with Standard Webhooks", yaml = """
            http-events:
              cloudevents:
                path: /events
                topic: switchboard.events
                types: [ticket.created, email.received]
                auth:
                  secret_env: SWITCHBOARD_EVENTS_SECRET
            """)
    public record Options(
            @Option(description = "Event types accepted here; an event of another type is refused with 400. Empty accepts any type.")
            List<String> types,
            @Option(description = "Most events in one batch-mode request.", defaultValue = "100", minimum = 1, maximum = 1000)
            @JsonProperty("max_batch") Integer maxBatch,
            @OptionGroup(defaults = @OptionGroup.Default(option = "path", value = "/events"))
            WebhookListener.Json listener) implements WebhookSourceOptions {
    }
}
