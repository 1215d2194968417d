package dev.switchboard.connectors.sources.webhook;

/** A body the mapping cannot turn into events; answered with 400 and the message. */
public final class BadPayload extends Exception {

    public BadPayload(String message) {
        super(message);
    }
}
