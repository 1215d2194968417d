package dev.switchboard.schemas.spi;

import dev.switchboard.schemas.ModelCall;
import dev.switchboard.schemas.template.Template;
import java.util.HashMap;
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

    /**
     * Renders a template against {@code event}, {@code steps} and more roots beside them (a {@code for_each} task's
     * {@code item}); it reads values only, as {@link #render(String)} does.
     */
    default String render(String template, Map<String, Object> more) {
        Map<String, Object> root = new HashMap<>(more);
        root.put("event", event());
        root.put("steps", read("steps"));
        return Template.parse(template).render(root);
    }

    /** The model calls made so far for this event by earlier steps, for lineage. */
    List<ModelCall> calls();

    /** Reads one path ({@code event.data.subject}, {@code steps.triage.label}); null when absent. */
    Object read(String path);
}
