package dev.switchboard.workflows.runtime;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One event going through a workflow, as {@link StepListener}s see it: where it came from and what
 * it is. A listener keeps its own state for the event in {@code attributes}, under a key of its own.
 *
 * @param event the CloudEvent as a map (attributes and {@code data})
 */
public record EventRun(String workflow, InputRecord input, String eventId, String eventType, Map<String, Object> event,
                       Map<Object, Object> attributes) {

    EventRun(String workflow, InputRecord input, String eventId, String eventType, Map<String, Object> event) {
        this(workflow, input, eventId, eventType, event, new ConcurrentHashMap<>());
    }

    /** The event's {@code source}: with its id, what identifies it (ids are unique only within a source). */
    public String eventSource() {
        Object source = event.get("source");
        return source == null ? "" : source.toString();
    }
}
