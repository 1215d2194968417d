package dev.switchboard.connectors.sources.webhook;

/** What every webhook source's options record has, whatever else it declares. */
public interface WebhookSourceOptions {

    /** The listener's path: each vendor gives its own default. */
    default String path() {
        return listener().options().path();
    }

    WebhookListener listener();
}
