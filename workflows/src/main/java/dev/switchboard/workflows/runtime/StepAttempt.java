package dev.switchboard.workflows.runtime;

import dev.switchboard.workflows.model.StepSpec;
import java.util.List;

/**
 * One run of a step over some events of a batch.
 *
 * @param attempt   1 for the first try, then 2, 3... for the retriable failures of the try before
 * @param startNanos {@link System#nanoTime()} when the step started
 */
public record StepAttempt(String workflow, StepSpec step, int attempt, List<EventRun> runs, long startNanos) {

    public StepAttempt {
        runs = List.copyOf(runs);
    }

    public String stepId() {
        return step.id();
    }

    public String stepType() {
        return step.type();
    }
}
