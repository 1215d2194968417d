package dev.switchboard.workflows.runtime;

import java.util.List;

/** Writes an audit record of every model call a step made (prompt version, model, tokens, latency, cost, cache hit, outcome). */
public record AuditListener(String auditTopic) implements StepListener {

    @Override
    public void afterStep(StepAttempt attempt, List<StepResult> results, Outputs out) {
        for (StepResult result : results) {
            ReviewRecords.audit(auditTopic, attempt.workflow(), attempt.stepId(), result.run().eventId(), result.outcome().calls())
                    .forEach(record -> out.add(record, result.run().input()));
        }
    }
}
