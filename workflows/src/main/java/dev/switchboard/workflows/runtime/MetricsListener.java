package dev.switchboard.workflows.runtime;

import dev.switchboard.schemas.spi.StepOutcome;
import java.util.List;

/** Reports a workflow's batches, steps and model calls to a {@link RunObserver} (the engine's metrics). */
public record MetricsListener(RunObserver observer) implements StepListener {

    @Override
    public void afterStep(StepAttempt attempt, List<StepResult> results, Outputs out) {
        long nanos = System.nanoTime() - attempt.startNanos();
        int completed = 0;
        int failed = 0;
        int retried = 0;
        for (StepResult result : results) {
            result.outcome().calls().forEach(call -> observer.modelCall(attempt.workflow(), attempt.stepId(), call));
            if (result.outcome() instanceof StepOutcome.Completed) {
                completed++;
            } else if (result.retried()) {
                retried++;
            } else if (result.outcome() instanceof StepOutcome.Failed) {
                failed++;
            }
        }
        observer.step(attempt.workflow(), attempt.stepId(), attempt.stepType(), results.size(), nanos, completed, failed, retried);
    }

    @Override
    public void reviewDecided(String workflow, String step, String model, String outcome) {
        observer.reviewOutcome(workflow, step, model, outcome);
    }

    @Override
    public void afterBatch(String workflow, BatchCounts counts) {
        observer.batch(workflow, counts.events(), counts.skipped(), counts.tasks(), counts.deadLetters(), counts.reviews());
    }
}
