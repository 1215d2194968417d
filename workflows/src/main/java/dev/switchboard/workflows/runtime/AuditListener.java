package dev.switchboard.workflows.runtime;

import java.util.List;

/** Writes an audit record of every model call a step made (prompt version, model, tokens, latency, cost, cache hit, outcome). */
public final class AuditListener implements StepListener {

    private final String auditTopic;

    public AuditListener(String auditTopic) {
        this.auditTopic = auditTopic;
    }

    @Override
    public void afterStep(StepAttempt attempt, List<StepResult> results, Outputs out) {
        for (StepResult result : results) {
            ReviewRecords.audit(auditTopic, attempt.workflow(), attempt.stepId(), result.run().eventId(), result.outcome().calls())
                    .forEach(record -> out.add(record, result.run().input()));
        }
    }
}
