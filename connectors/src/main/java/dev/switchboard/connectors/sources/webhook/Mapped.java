package dev.switchboard.connectors.sources.webhook;

import dev.switchboard.connectors.sources.SourceEvent;
import java.util.List;

/** What a mapping made of a request: events to publish, or the reason it deliberately publishes none. */
public record Mapped(List<SourceEvent> events, String ignored) {

    public static Mapped of(List<SourceEvent> events) {
        return new Mapped(List.copyOf(events), null);
    }

    public static Mapped of(SourceEvent event) {
        return new Mapped(List.of(event), null);
    }

    /** Answered with 200, so the sender counts it as delivered, and nothing is published. */
    public static Mapped ignored(String reason) {
        return new Mapped(List.of(), reason);
    }
}
