package dev.switchboard.connectors.sources.webhook;

import dev.switchboard.connectors.sources.SourceEvent;
import java.util.List;

/**
 * What a mapping made of a request: events to publish, or why it publishes none: a delivery it ignores on
 * purpose, a vendor's challenge it answers (a handshake, not an event), or something it needs from
 * elsewhere that is not to be had now.
 */
public record Mapped(List<SourceEvent> events, String ignored, String reply, String unavailable) {

    public static Mapped of(List<SourceEvent> events) {
        return new Mapped(List.copyOf(events), null, null, null);
    }

    public static Mapped of(SourceEvent event) {
        return new Mapped(List.of(event), null, null, null);
    }

    /** Answered with 200, so the sender counts it as delivered, and nothing is published. */
    public static Mapped ignored(String reason) {
        return new Mapped(List.of(), reason, null, null);
    }

    /** Answered with 200 and this JSON body (a vendor's endpoint validation), and nothing is published. */
    public static Mapped reply(String json) {
        return new Mapped(List.of(), null, json, null);
    }

    /**
     * Answered with 503, so the sender delivers again later, and nothing is published: what the mapping needs
     * besides the request (a file the vendor serves) could not be had now.
     */
    public static Mapped unavailable(String reason) {
        return new Mapped(List.of(), null, null, reason);
    }
}
