package dev.switchboard.connectors.sources.webhook;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.options.OptionGroup;

/**
 * The options of a webhook source's listener: those every source shares, and the largest body it
 * takes, whose default depends on what the vendor posts (JSON, or mail with its attachments). A
 * vendor declares one of these as a group, giving {@code path} its own default.
 */
public sealed interface WebhookListener {

    String MAX_BODY = "Largest request body accepted, in bytes; larger requests are refused with 413 before anything else.";

    WebhookListenerOptions options();

    Integer maxBodyBytes();

    /** A listener for JSON payloads (tickets, events): bodies up to 1 MiB. */
    record Json(
            @OptionGroup WebhookListenerOptions options,
            @Option(description = MAX_BODY, defaultValue = "1048576", minimum = 1024, maximum = 52428800)
            @JsonProperty("max_body_bytes") Integer maxBodyBytes) implements WebhookListener {
    }

    /** A listener for documents such as bank statements: bodies up to 10 MiB. */
    record Document(
            @OptionGroup WebhookListenerOptions options,
            @Option(description = MAX_BODY, defaultValue = "10485760", minimum = 1024, maximum = 52428800)
            @JsonProperty("max_body_bytes") Integer maxBodyBytes) implements WebhookListener {
    }

    /** A listener for mail posted with its attachments: bodies up to 10 MiB. */
    record Mail(
            @OptionGroup WebhookListenerOptions options,
            @Option(description = MAX_BODY, defaultValue = "10485760", minimum = 1024, maximum = 52428800)
            @JsonProperty("max_body_bytes") Integer maxBodyBytes) implements WebhookListener {
    }
}
