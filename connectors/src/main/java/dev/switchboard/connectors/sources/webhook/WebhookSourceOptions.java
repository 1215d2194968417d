package dev.switchboard.connectors.sources.webhook;

/** What every webhook source's options record has, whatever else it declares. */
public interface WebhookSourceOptions {

    /** Declared by each vendor, with its own default. */
    String path();

    WebhookListener listener();
}
