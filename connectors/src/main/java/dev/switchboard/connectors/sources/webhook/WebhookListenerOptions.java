package dev.switchboard.connectors.sources.webhook;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.connectors.sources.auth.WebhookAuth;
import dev.switchboard.schemas.options.Option;

/**
 * Where every webhook source listens, how it authenticates its requests, where it publishes and how
 * long it waits for Kafka, declared once for all of them. Each source gives {@code path} the default
 * its vendor posts to ({@code @OptionGroup(defaults = ...)}); which schemes it accepts, and its
 * default, the source's description says.
 */
public record WebhookListenerOptions(
        @Option(description = "HTTP path of this webhook on the engine's listener (`http:` in switchboard.yaml). Paths match exactly.")
        String path,
        @Option(description = "Kafka topic the events are published to.", defaultValue = "switchboard.events")
        String topic,
        @Option(description = "How requests are authenticated; every request must pass. See `auth.scheme` for the schemes, and the "
                + "source's description for those it accepts.", required = true)
        WebhookAuth auth,
        @Option(description = "How long to wait for Kafka to acknowledge the events before answering 503, so that the sender retries, "
                + "in seconds.", defaultValue = "10", minimum = 1, maximum = 120)
        @JsonProperty("ack_timeout_seconds") Integer ackTimeoutSeconds) {
}
