package dev.switchboard.workflows.runtime;

import dev.switchboard.schemas.ModelCall;
import dev.switchboard.schemas.Task;
import dev.switchboard.schemas.spi.StepInvocation;
import dev.switchboard.schemas.template.Template;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One event going through a workflow: what it is, what its steps said so far, and the tasks it
 * makes. {@link StepListener}s read it and keep their own state per event in {@link #attributes()}.
 */
public final class EventRun {

    private final String workflow;
    private final InputRecord input;
    private final String eventId;
    private final String eventType;
    private final Map<String, Object> event;
    private final Map<String, Object> steps = new LinkedHashMap<>();
    private final List<ModelCall> calls = new ArrayList<>();
    private final List<Task> tasks = new ArrayList<>();
    private final Map<String, Template> templates;
    private final Map<Object, Object> attributes = new ConcurrentHashMap<>();
    private StepListener.EventEnd end;
    /** For an event resumed after review: the index of the reviewed step; steps up to it do not run again. */
    private int resumeAfter = -1;

    EventRun(String workflow, InputRecord input, String eventId, String eventType, Map<String, Object> event,
             Map<String, Template> templates) {
        this.workflow = workflow;
        this.input = input;
        this.eventId = eventId;
        this.eventType = eventType;
        this.event = event;
        this.templates = templates;
    }

    public String workflow() {
        return workflow;
    }

    public InputRecord input() {
        return input;
    }

    public String eventId() {
        return eventId;
    }

    public String eventType() {
        return eventType;
    }

    /** The CloudEvent as a map (attributes and {@code data}). */
    public Map<String, Object> event() {
        return event;
    }

    /** What listeners keep for this event between their hooks, by a key of their own. */
    public Map<Object, Object> attributes() {
        return attributes;
    }

    Map<String, Object> steps() {
        return steps;
    }

    List<Task> tasks() {
        return tasks;
    }

    /** True once the event left the batch early: dead-lettered or held for review. */
    boolean ended() {
        return end != null;
    }

    /** How it left early, or null while it goes on. */
    StepListener.EventEnd end() {
        return end;
    }

    void end(StepListener.EventEnd how) {
        end = how;
    }

    int resumeAfter() {
        return resumeAfter;
    }

    /** Resumes after a person approved {@code step} (at {@code index}) with {@code value}, keeping what earlier steps said. */
    void resume(int index, String step, Map<String, Object> earlierSteps, Object value) {
        steps.putAll(earlierSteps);
        steps.put(step, value);
        resumeAfter = index;
    }

    void completed(String step, Map<String, Object> output, Task task) {
        steps.put(step, output);
        if (task != null) {
            tasks.add(task);
        }
    }

    void called(List<ModelCall> made) {
        calls.addAll(made);
    }

    Map<String, Object> variables() {
        return Map.of("event", event, "steps", Collections.unmodifiableMap(steps));
    }

    StepInvocation invocation(String stepId) {
        Map<String, Object> root = variables();
        List<ModelCall> callsSoFar = List.copyOf(calls);
        return new Invocation(stepId, root, callsSoFar);
    }

    /** What a step sees of this event: read-only, templates rendered against the event and earlier steps. */
    private final class Invocation implements StepInvocation {
        private final String stepId;
        private final Map<String, Object> root;
        private final List<ModelCall> callsSoFar;

        Invocation(String stepId, Map<String, Object> root, List<ModelCall> callsSoFar) {
            this.stepId = stepId;
            this.root = root;
            this.callsSoFar = callsSoFar;
        }

        @Override
        public String workflow() {
            return workflow;
        }

        @Override
        public String stepId() {
            return stepId;
        }

        @Override
        public String eventId() {
            return eventId;
        }

        @Override
        public String eventType() {
            return eventType;
        }

        @Override
        public Map<String, Object> event() {
            return event;
        }

        @Override
        public String render(String template) {
            return templates.computeIfAbsent(template, Template::parse).render(root);
        }

        @Override
        public List<ModelCall> calls() {
            return callsSoFar;
        }

        @Override
        public Object read(String path) {
            return Template.read(root, Template.path(path));
        }
    }
}
