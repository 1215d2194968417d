package dev.switchboard.workflows.eval;

import dev.switchboard.schemas.ModelCall;
import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepInvocation;
import dev.switchboard.schemas.spi.StepOutcome;
import dev.switchboard.schemas.template.Template;
import dev.switchboard.workflows.expr.Cel;
import dev.switchboard.workflows.model.StepSpec;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * One step of the workflow during an evaluation, up to the evaluated one: its condition, the step,
 * and what its outcomes mean for the rows. The evaluated step's answers become predictions; an
 * earlier step that holds or fails a row ends it there, as it would live.
 *
 * @param spec   the step as declared
 * @param when   its condition, or null
 * @param step   the step, created for this run
 * @param target whether it is the evaluated step
 */
record EvalStage(StepSpec spec, Cel.Condition when, Step step, boolean target) {

    /**
     * Runs the step over the rows; records a prediction for each row that ends here (and the evaluated step's output in
     * {@code answers}) and returns the rows that go on.
     */
    List<EvalRow> run(List<EvalRow> rows, Prediction[] predictions, Map<String, Object>[] answers, List<String> expected,
                      Map<String, Template> templates) {
        if (rows.isEmpty()) {
            return rows;
        }
        List<StepInvocation> invocations = rows.stream().map(row -> row.invocation(spec.id(), templates)).toList();
        List<StepOutcome> outcomes;
        try {
            outcomes = step.run(invocations);
        } catch (RuntimeException e) {
            outcomes = Collections.nCopies(rows.size(), StepOutcome.Failed.permanent(e.getClass().getSimpleName() + ": " + e.getMessage()));
        }
        String prefix = target ? "" : "step " + spec.id() + ": ";
        List<EvalRow> next = new ArrayList<>();
        for (int i = 0; i < rows.size(); i++) {
            EvalRow row = rows.get(i);
            StepOutcome outcome = outcomes.get(i);
            String want = expected.get(row.index);
            if (outcome instanceof StepOutcome.Completed completed) {
                row.completed(spec.id(), completed.output());
                if (target) {
                    answers[row.index] = completed.output();
                    predictions[row.index] = prediction(row.index, want, completed.output(), Prediction.Outcome.ANSWERED, null, completed.calls());
                } else {
                    next.add(row);
                }
            } else if (outcome instanceof StepOutcome.Review review) {
                predictions[row.index] = prediction(row.index, want, target ? best(review.candidates()) : null, Prediction.Outcome.REVIEW,
                        prefix + review.reason(), target ? review.calls() : List.of());
            } else if (outcome instanceof StepOutcome.Failed failed) {
                predictions[row.index] = prediction(row.index, want, null, Prediction.Outcome.FAILED, prefix + failed.reason(),
                        target ? failed.calls() : List.of());
            }
        }
        return next;
    }

    /** The candidate output with the highest confidence, from a review's candidates; null when none has a label. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> best(List<Map<String, Object>> candidates) {
        Map<String, Object> best = null;
        double bestConfidence = -1;
        for (Map<String, Object> candidate : candidates) {
            if (candidate.get("output") instanceof Map<?, ?> output && output.get("label") != null) {
                double confidence = output.get("confidence") instanceof Number n ? n.doubleValue() : 0;
                if (confidence > bestConfidence) {
                    bestConfidence = confidence;
                    best = (Map<String, Object>) output;
                }
            }
        }
        return best;
    }

    /** A prediction from an answer ({@code label} and {@code confidence}, either may be absent) and the calls that made it. */
    private static Prediction prediction(int index, String expected, Map<String, Object> answer, Prediction.Outcome outcome, String reason,
                                         List<ModelCall> calls) {
        Object label = answer == null ? null : answer.get("label");
        Object confidence = answer == null ? null : answer.get("confidence");
        double latency = 0;
        double cost = 0;
        int hits = 0;
        for (ModelCall call : calls) {
            latency += call.latencyMillis();
            cost += call.costUsd();
            hits += call.cacheHit() ? 1 : 0;
        }
        return new Prediction(index, expected, label == null ? null : label.toString(), confidence instanceof Number n ? n.doubleValue() : 0,
                outcome, reason, latency, cost, hits, calls.size(), calls.stream()
                .map(call -> new Prediction.MemberCall(call.provider() + "/" + call.model(), call.outcome(), call.costUsd())).toList());
    }
}
