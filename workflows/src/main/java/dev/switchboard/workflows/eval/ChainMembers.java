package dev.switchboard.workflows.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per model of an alias chain: the rows it was asked, those it answered and how well, what it cost, and how often it
 * passed a row on to the next model (its fall-through rate). A row is answered by the last model called when the step
 * answered; every model called before it fell through (a low confidence, an invalid answer, an error).
 *
 * @param member      {@code provider/model}
 * @param asked       rows it was called for (retries of one row count once)
 * @param answered    rows whose answer it gave
 * @param correct     of those, in-scope rows answered with the expected label
 * @param inScope     of those, rows whose expected label is one of the step's labels
 * @param fellThrough rows it was asked and did not answer
 * @param costUsd     what its calls cost
 */
public record ChainMembers(String member, int asked, int answered, int correct, int inScope, int fellThrough, double costUsd) {

    /** Accuracy of its answers on in-scope rows; NaN when it answered none. */
    public double accuracy() {
        return inScope == 0 ? Double.NaN : (double) correct / inScope;
    }

    /** Share of the rows it was asked that went on to the next model, or to review. */
    public double fallThroughRate() {
        return asked == 0 ? Double.NaN : (double) fellThrough / asked;
    }

    /** The models in the order first called; empty when every row was answered by one model alone (no chain to show). */
    public static List<ChainMembers> of(List<Prediction> predictions, List<String> stepLabels) {
        Map<String, int[]> counts = new LinkedHashMap<>();
        Map<String, Double> costs = new LinkedHashMap<>();
        for (Prediction prediction : predictions) {
            List<String> called = new ArrayList<>();
            for (Prediction.MemberCall call : prediction.members()) {
                costs.merge(call.member(), call.costUsd(), Double::sum);
                if (!called.contains(call.member())) {
                    called.add(call.member());
                }
            }
            for (int i = 0; i < called.size(); i++) {
                int[] c = counts.computeIfAbsent(called.get(i), key -> new int[5]);
                c[0]++;
                boolean answeredHere = i == called.size() - 1 && prediction.outcome() == Prediction.Outcome.ANSWERED;
                if (answeredHere) {
                    c[1]++;
                    if (stepLabels.contains(prediction.expected())) {
                        c[3]++;
                        if (prediction.expected().equals(prediction.predicted())) {
                            c[2]++;
                        }
                    }
                } else {
                    c[4]++;
                }
            }
        }
        if (counts.size() < 2) {
            return List.of();
        }
        List<ChainMembers> members = new ArrayList<>();
        counts.forEach((member, c) -> members.add(new ChainMembers(member, c[0], c[1], c[2], c[3], c[4], costs.getOrDefault(member, 0.0))));
        return members;
    }
}
