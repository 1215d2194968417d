package dev.switchboard.workflows.runtime;

import dev.switchboard.schemas.ModelCall;
import dev.switchboard.schemas.Task;
import dev.switchboard.schemas.spi.StepInvocation;
import dev.switchboard.schemas.template.Template;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Where an event stands in the pipeline: what its steps said so far, the calls they made, its tasks, and whether it left. */
final class RunState {

    private final EventRun run;
    private final Map<String, Template> templates;
    private final Map<String, Object> steps = new LinkedHashMap<>();
    private final List<ModelCall> calls = new ArrayList<>();
    private final List<Task> tasks = new ArrayList<>();
    private StepListener.EventEnd end;
    /** For an event resumed after review: the index of the reviewed step; steps up to it do not run again. */
    private int resumeAfter = -1;

    RunState(EventRun run, Map<String, Template> templates) {
        this.run = run;
        this.templates = templates;
    }

    EventRun run() {
        return run;
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

    void completed(String step, Map<String, Object> output, List<Task> made) {
        steps.put(step, output);
        tasks.addAll(made);
    }

    void called(List<ModelCall> made) {
        calls.addAll(made);
    }

    Map<String, Object> variables() {
        return Map.of("event", run.event(), "steps", Collections.unmodifiableMap(steps));
    }

    StepInvocation invocation(String stepId) {
        return new Invocation(run.workflow(), stepId, run.eventId(), run.eventType(), run.event(), List.copyOf(calls), variables(), templates);
    }

    /** What a step sees of an event: read-only, templates rendered against the event and earlier steps. */
    private record Invocation(String workflow, String stepId, String eventId, String eventType, Map<String, Object> event,
                              List<ModelCall> calls, Map<String, Object> root, Map<String, Template> templates) implements StepInvocation {

        /** A path without a value fails the event (see {@link Template.Missing#FAIL}), rather than render as nothing. */
        @Override
        public String render(String template) {
            return templates.computeIfAbsent(template, Template::parse).render(root, Template.Missing.FAIL);
        }

        /** As {@link #render(String)}, with more roots (a {@code for_each} task's {@code item}) beside event and steps. */
        @Override
        public String render(String template, Map<String, Object> more) {
            Map<String, Object> withMore = new HashMap<>(root);
            withMore.putAll(more);
            return templates.computeIfAbsent(template, Template::parse).render(withMore, Template.Missing.FAIL);
        }

        @Override
        public Object read(String path) {
            return Template.read(root, Template.path(path));
        }
    }
}
