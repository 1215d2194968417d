package dev.switchboard.workflows.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The evaluation of one model over a dataset.
 *
 * <p>Rows the workflow's filter, a {@code when} condition or the event type left out are
 * <em>skipped</em>: live the step would never see them, so they are counted, with their reasons, and
 * left out of every other figure. Of the others, rows whose expected label is one of the step's labels are <em>in scope</em>: accuracy, macro-F1,
 * per-label scores and the confusion matrix are computed on them, counting every answer whatever its
 * confidence. Rows with any other label are <em>out of scope</em>: no answer can be right, and the
 * right outcome is review. At a confidence threshold, an answer below it goes to review; the
 * trade-off curve shows, per threshold, how many in-scope rows would still be handled automatically
 * and how well, and how many out-of-scope rows would reach a person instead of getting a wrong label.
 *
 * @param model          the model or alias evaluated
 * @param stepLabels     the labels the step chooses between
 * @param predictions    one per row
 * @param scores         on in-scope rows
 * @param threshold      the review threshold ({@code --min-confidence}, else the step's {@code min_confidence}, else 0)
 * @param inScope        in-scope rows
 * @param outOfScope     out-of-scope rows
 * @param reviewRate     share of the rows not skipped that a person would see at the threshold
 * @param acceptedAccuracy accuracy of the in-scope answers kept at the threshold
 * @param oosToReview    share of out-of-scope rows sent to review at the threshold; NaN without any
 * @param costPer1000    US dollars per 1,000 rows not skipped
 * @param p50Millis      median model time per row
 * @param p95Millis      95th percentile of model time per row
 * @param cacheHits      calls answered from the response cache
 * @param calls          model calls made
 * @param failed         rows the step failed on
 * @param skipped        rows a filter or condition left out
 * @param seconds        wall time of the run
 * @param curve          the threshold sweep
 */
public record ModelResult(String model, List<String> stepLabels, List<Prediction> predictions, Scores scores, double threshold,
                          int inScope, int outOfScope, double reviewRate, double acceptedAccuracy, double oosToReview,
                          double costPer1000, double p50Millis, double p95Millis, long cacheHits, long calls, int failed,
                          int skipped, double seconds, List<TradeoffPoint> curve) {

    /** The thresholds of the sweep. */
    static final double[] THRESHOLDS = {0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95, 0.98, 0.99};

    /**
     * One threshold of the sweep.
     *
     * @param threshold        answers below it go to review
     * @param coverage         share of in-scope rows answered automatically
     * @param acceptedAccuracy accuracy of those answers
     * @param reviewRate       share of all rows sent to review
     * @param oosToReview      share of out-of-scope rows sent to review (the rest got a wrong label); NaN without any
     */
    public record TradeoffPoint(double threshold, double coverage, double acceptedAccuracy, double reviewRate, double oosToReview) {
    }

    public static ModelResult of(String model, List<String> stepLabels, List<Prediction> all, double threshold, double seconds) {
        Set<String> known = Set.copyOf(stepLabels);
        List<Prediction> predictions = all.stream().filter(prediction -> prediction.outcome() != Prediction.Outcome.SKIPPED).toList();
        int skipped = all.size() - predictions.size();
        List<String> expected = new ArrayList<>();
        List<String> predicted = new ArrayList<>();
        int failed = 0;
        long cacheHits = 0;
        long calls = 0;
        double cost = 0;
        double[] latencies = new double[predictions.size()];
        for (int i = 0; i < predictions.size(); i++) {
            Prediction prediction = predictions.get(i);
            if (known.contains(prediction.expected())) {
                expected.add(prediction.expected());
                predicted.add(prediction.predicted());
            }
            failed += prediction.outcome() == Prediction.Outcome.FAILED ? 1 : 0;
            cacheHits += prediction.cacheHits();
            calls += prediction.calls();
            cost += prediction.costUsd();
            latencies[i] = prediction.latencyMillis();
        }
        Scores scores = Scores.of(expected, predicted, stepLabels);
        List<TradeoffPoint> curve = new ArrayList<>();
        for (double t : THRESHOLDS) {
            curve.add(point(predictions, known, t));
        }
        TradeoffPoint at = point(predictions, known, threshold);
        Arrays.sort(latencies);
        int rows = predictions.size();
        return new ModelResult(model, List.copyOf(stepLabels), List.copyOf(all), scores, threshold, expected.size(),
                rows - expected.size(), at.reviewRate(), at.acceptedAccuracy(), at.oosToReview(),
                rows == 0 ? 0 : cost / rows * 1000, percentile(latencies, 0.50), percentile(latencies, 0.95), cacheHits, calls,
                failed, skipped, seconds, List.copyOf(curve));
    }

    static TradeoffPoint point(List<Prediction> predictions, Set<String> known, double threshold) {
        int inScope = 0;
        int accepted = 0;
        int right = 0;
        int review = 0;
        int outOfScope = 0;
        int caught = 0;
        for (Prediction prediction : predictions) {
            boolean held = prediction.toReview(threshold);
            review += held ? 1 : 0;
            if (known.contains(prediction.expected())) {
                inScope++;
                if (!held) {
                    accepted++;
                    right += prediction.expected().equals(prediction.predicted()) ? 1 : 0;
                }
            } else {
                outOfScope++;
                caught += held ? 1 : 0;
            }
        }
        return new TradeoffPoint(threshold, inScope == 0 ? Double.NaN : (double) accepted / inScope,
                accepted == 0 ? Double.NaN : (double) right / accepted, predictions.isEmpty() ? Double.NaN : (double) review / predictions.size(),
                outOfScope == 0 ? Double.NaN : (double) caught / outOfScope);
    }

    /** Nearest-rank percentile of sorted values; 0 when empty. */
    static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }

    /** Every row of the dataset evaluated, skipped ones included. */
    public int rows() {
        return predictions.size();
    }

    /** Why rows were skipped, with how many each: the most frequent reason first, then in the order first met. */
    public Map<String, Integer> skippedReasons() {
        return skippedReasons(predictions);
    }

    /** Why rows were skipped, most frequent first, with how many each reason skipped. */
    static Map<String, Integer> skippedReasons(List<Prediction> predictions) {
        Map<String, Integer> reasons = new LinkedHashMap<>();
        predictions.stream().filter(prediction -> prediction.outcome() == Prediction.Outcome.SKIPPED)
                .forEach(prediction -> reasons.merge(String.valueOf(prediction.reason()), 1, Integer::sum));
        Map<String, Integer> sorted = new LinkedHashMap<>();
        reasons.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed())
                .forEach(entry -> sorted.put(entry.getKey(), entry.getValue()));
        return sorted;
    }

    /** The reasons as one line: {@code on.filter is false (16); ...}. */
    public String skippedSummary() {
        return skippedSummary(predictions);
    }

    static String skippedSummary(List<Prediction> predictions) {
        List<String> parts = new ArrayList<>();
        skippedReasons(predictions).forEach((reason, count) -> parts.add(reason + " (" + count + ")"));
        return String.join("; ", parts);
    }

    /** Rows per second of wall time. */
    public double rowsPerSecond() {
        return seconds == 0 ? 0 : rows() / seconds;
    }
}
