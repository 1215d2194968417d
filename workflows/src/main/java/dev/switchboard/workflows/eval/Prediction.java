package dev.switchboard.workflows.eval;

import java.util.List;

/**
 * What the evaluated step did with one row.
 *
 * @param row           the row's index in the dataset
 * @param expected      the label the dataset gives
 * @param predicted     the label the model answered (for a review, its best candidate's), or null when none
 * @param confidence    the answer's confidence in [0, 1]; 0 when none
 * @param outcome       how the step ended for the row
 * @param reason        why it went to review or failed, or null
 * @param latencyMillis the step's model time for the row (a batched call's time is shared by its rows)
 * @param costUsd       what the step's model calls for the row cost
 * @param cacheHits     calls answered from the response cache
 * @param calls         model calls made
 * @param members       each model call in order: which model of an alias chain was asked, how it answered, what it cost
 */
public record Prediction(int row, String expected, String predicted, double confidence, Outcome outcome, String reason,
                         double latencyMillis, double costUsd, int cacheHits, int calls, List<MemberCall> members) {

    /**
     * One model call for a row.
     *
     * @param member  {@code provider/model}
     * @param outcome the call's outcome ({@code ok}, {@code low_confidence}, {@code invalid_output}, {@code error}, ...)
     * @param costUsd what it cost
     */
    public record MemberCall(String member, String outcome, double costUsd) {
    }

    public Prediction {
        members = members == null ? List.of() : List.copyOf(members);
    }

    public Prediction(int row, String expected, String predicted, double confidence, Outcome outcome, String reason,
                      double latencyMillis, double costUsd, int cacheHits, int calls) {
        this(row, expected, predicted, confidence, outcome, reason, latencyMillis, costUsd, cacheHits, calls, List.of());
    }

    /** How the step ended for a row. */
    public enum Outcome {
        /** The step answered. */
        ANSWERED,
        /** The step held the event for review (its own {@code min_confidence}, or a chain with no usable answer). */
        REVIEW,
        /** The step failed: the event would be dead-lettered. */
        FAILED,
        /** The workflow's filter or a {@code when} condition left the step out. */
        SKIPPED
    }

    /** Whether a person would see it at {@code threshold}: a review, a failure, or an answer below the threshold. */
    public boolean toReview(double threshold) {
        return outcome != Outcome.ANSWERED || confidence < threshold;
    }
}
