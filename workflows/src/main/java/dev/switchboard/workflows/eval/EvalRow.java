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

    EvalRow(int index, String workflow, String type, Map<String, Object> fields) {
        this.index = index;
        this.workflow = workflow;
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("specversion", "1.0");
        event.put("id", "eval-" + (index + 1));
        event.put("type", type);
        event.put("source", "switchboard/eval");
        event.put("data", fields);
        this.event = Collections.unmodifiableMap(event);
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
