package dev.switchboard.workflows.eval;

import dev.switchboard.schemas.ModelCall;
import dev.switchboard.schemas.spi.StepInvocation;
import dev.switchboard.schemas.template.Template;
import java.util.List;
import java.util.Map;

/**
 * A step's view of one event outside the engine (an evaluated row, a benchmark request): the event,
 * the outputs of the steps before, templates rendered over both, no model calls so far.
 *
 * @param workflow  the workflow's name
 * @param stepId    the step's id
 * @param event     the CloudEvent as a map, with at least {@code id} and {@code type}
 * @param steps     earlier steps' outputs by step id
 * @param templates parsed templates by text, shared by the invocations of one run
 */
public record EventInvocation(String workflow, String stepId, Map<String, Object> event, Map<String, Object> steps,
                              Map<String, Template> templates) implements StepInvocation {

    @Override
    public String eventId() {
        return String.valueOf(event.get("id"));
    }

    @Override
    public String eventType() {
        return String.valueOf(event.get("type"));
    }

    @Override
    public String render(String template) {
        return templates.computeIfAbsent(template, Template::parse).render(variables());
    }

    @Override
    public List<ModelCall> calls() {
        return List.of();
    }

    @Override
    public Object read(String path) {
        return Template.read(variables(), Template.path(path));
    }

    private Map<String, Object> variables() {
        return Map.of("event", event, "steps", steps);
    }
}
