package dev.switchboard.workflows.runtime;

import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepInvocation;
import dev.switchboard.schemas.spi.StepOutcome;
import dev.switchboard.schemas.template.Template;
import dev.switchboard.workflows.model.StepSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Runs a step over a {@link WorkflowRunner}'s events so that a throw is the event's own. When the step throws, or
 * does not answer one outcome per event, for several events, each half runs again, down to single events: a throw
 * fails only the events that cause it, and the healthy case keeps its one batched call. A throw on one event is a
 * bug or an outage nobody classified: retriable, so nothing is lost, and logged with its stack trace. A template
 * value the event does not have is a permanent failure of that event.
 */
final class StepInvoker {

    // logged as the runner, whose lines operators and tests already follow
    private static final Logger LOG = LoggerFactory.getLogger(WorkflowRunner.class);

    private final String workflow;
    private final EventFates fates;

    StepInvoker(String workflow, EventFates fates) {
        this.workflow = workflow;
        this.fates = fates;
    }

    /** One outcome per state, in order. */
    List<StepOutcome> invoke(StepSpec spec, Step step, List<RunState> states, StepAttempt call) {
        List<StepInvocation> invocations = states.stream().map(state -> state.invocation(spec.id())).toList();
        try {
            List<StepOutcome> outcomes = step.run(invocations);
            if (outcomes.size() != invocations.size() || outcomes.stream().anyMatch(Objects::isNull)) {
                throw new IllegalStateException("Step returned " + outcomes.size() + " outcomes for " + invocations.size()
                        + " events" + (outcomes.size() == invocations.size() ? ", some of them null" : ""));
            }
            return outcomes;
        } catch (RuntimeException e) {
            if (states.size() > 1) {
                int half = states.size() / 2;
                List<StepOutcome> outcomes = new ArrayList<>(invoke(spec, step, states.subList(0, half), call));
                outcomes.addAll(invoke(spec, step, states.subList(half, states.size()), call));
                return outcomes;
            }
            EventRun run = states.get(0).run();
            if (e instanceof Template.MissingValueException missing) {
                return List.of(StepOutcome.Failed.permanent(missing.getMessage())); // the event lacks it: no retry brings it
            }
            fates.notify(listener -> listener.onError(call, run, e));
            logThrow(spec, run, e);
            return List.of(StepOutcome.Failed.threw(e));
        }
    }

    private void logThrow(StepSpec spec, EventRun run, RuntimeException e) {
        try (var w = MDC.putCloseable("workflow", workflow);
             var s = MDC.putCloseable("step", spec.id());
             var t = MDC.putCloseable("trace_id", run.input().traceId())) {
            LOG.warn("Step '{}' ({}) threw for {}", spec.id(), spec.type(), describe(run), e);
        }
    }

    /** The event as a reason names it: its id and source, which together identify it (CloudEvents). */
    static String describe(EventRun run) {
        return "event '" + run.eventId() + "' from '" + run.eventSource() + "'";
    }
}
