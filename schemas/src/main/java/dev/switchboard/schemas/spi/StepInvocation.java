package dev.switchboard.schemas.spi;

import dev.switchboard.schemas.ModelCall;
import java.util.List;
import java.util.Map;

/** What a step sees of one event: the event and earlier steps' outputs, read only. */
public interface StepInvocation {

    String workflow();

    String stepId();

    String eventId();

    String eventType();

    /** The event's {@code source}: CloudEvents ids are unique only within a source, so the two together identify the event. */
    default String eventSource() {
        Object source = event().get("source");
        return source == null ? "" : source.toString();
    }

    /** The CloudEvent as read-only maps, lists and scalars. */
    Map<String, Object> event();

    /** Renders a {@code {{ path }}} template against {@code event} and {@code steps}; never evaluates anything. */
    String render(String template);

    /** The model calls made so far for this event by earlier steps, for lineage. */
    List<ModelCall> calls();

    /** Reads one path ({@code event.data.subject}, {@code steps.triage.label}); null when absent. */
    Object read(String path);
}
