package dev.switchboard.workflows.eval;

import dev.switchboard.schemas.spi.StepInvocation;
import dev.switchboard.schemas.template.Template;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/** One dataset row going through the workflow as an event, with the outputs of the steps it has passed. */
final class EvalRow {

    final int index;
    private final String workflow;
    private final Map<String, Object> event;
    private final Map<String, Object> steps = new LinkedHashMap<>();

    /** @param event the row as a CloudEvent ({@link RowEvent#event}) */
    EvalRow(int index, String workflow, Map<String, Object> event) {
        this.index = index;
        this.workflow = workflow;
        this.event = Collections.unmodifiableMap(event);
    }

    /** The event's type; null when the row named none. */
    String type() {
        Object type = event.get("type");
        return type == null ? null : type.toString();
    }

    /** What conditions read: {@code event} and {@code steps}. */
    Map<String, Object> variables() {
        return Map.of("event", event, "steps", Collections.unmodifiableMap(steps));
    }

    StepInvocation invocation(String stepId, Map<String, Template> templates) {
        return new EventInvocation(workflow, stepId, event, Collections.unmodifiableMap(steps), templates);
    }

    void completed(String stepId, Map<String, Object> output) {
        steps.put(stepId, output);
    }
}
