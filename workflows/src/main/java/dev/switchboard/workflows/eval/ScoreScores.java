package dev.switchboard.workflows.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * How close a score step's numbers are to the expected ones: the mean absolute error and Spearman's rank correlation
 * over the rows it answered, the share of all rows within the tolerance (a row without an answer is not), and whether
 * its confidence means anything: per confidence band, the share within the tolerance.
 *
 * @param rows            rows scored
 * @param answered        rows with a score
 * @param mae             mean absolute error over the answered rows; NaN when none
 * @param spearman        rank correlation over the answered rows (ties share their mean rank); NaN with fewer than two or no spread
 * @param withinTolerance share of all rows answered within {@code tolerance} of the expected score
 * @param tolerance       the tolerance
 * @param calibration     per confidence band, from low to high; bands without rows are left out
 */
public record ScoreScores(int rows, int answered, double mae, double spearman, double withinTolerance, double tolerance,
                          List<CalibrationBand> calibration) {

    private static final double[] BANDS = {0, 0.5, 0.7, 0.9, 1.0000001};

    /** Rows whose confidence is in {@code [from, to)}: their mean confidence and the share within the tolerance. */
    public record CalibrationBand(double from, double to, int rows, double meanConfidence, double withinTolerance) {
    }

    /** @param predicted the step's score per row, null when it gave none; {@code confidence} alike */
    public static ScoreScores of(List<Double> expected, List<Double> predicted, List<Double> confidence, double tolerance) {
        List<double[]> pairs = new ArrayList<>();
        int within = 0;
        double absolute = 0;
        List<List<double[]>> bands = new ArrayList<>();
        for (int b = 0; b < BANDS.length - 1; b++) {
            bands.add(new ArrayList<>());
        }
        for (int i = 0; i < expected.size(); i++) {
            Double want = expected.get(i);
            Double got = predicted.get(i);
            if (want == null || got == null) {
                continue;
            }
            pairs.add(new double[] {want, got});
            absolute += Math.abs(want - got);
            boolean close = Math.abs(want - got) <= tolerance + 1e-9;
            within += close ? 1 : 0;
            if (confidence.get(i) != null) {
                double sure = confidence.get(i);
                for (int b = 0; b < BANDS.length - 1; b++) {
                    if (sure >= BANDS[b] && sure < BANDS[b + 1]) {
                        bands.get(b).add(new double[] {sure, close ? 1 : 0});
                    }
                }
            }
        }
        List<CalibrationBand> calibration = new ArrayList<>();
        for (int b = 0; b < bands.size(); b++) {
            List<double[]> band = bands.get(b);
            if (!band.isEmpty()) {
                calibration.add(new CalibrationBand(BANDS[b], Math.min(1, BANDS[b + 1]), band.size(),
                        band.stream().mapToDouble(pair -> pair[0]).average().orElse(0), band.stream().mapToDouble(pair -> pair[1]).average().orElse(0)));
            }
        }
        int rows = expected.size();
        return new ScoreScores(rows, pairs.size(), pairs.isEmpty() ? Double.NaN : absolute / pairs.size(), spearman(pairs),
                rows == 0 ? Double.NaN : (double) within / rows, tolerance, List.copyOf(calibration));
    }

    /** Pearson's correlation of the ranks. */
    static double spearman(List<double[]> pairs) {
        if (pairs.size() < 2) {
            return Double.NaN;
        }
        double[] x = ranks(pairs.stream().mapToDouble(pair -> pair[0]).toArray());
        double[] y = ranks(pairs.stream().mapToDouble(pair -> pair[1]).toArray());
        double meanX = Arrays.stream(x).average().orElse(0);
        double meanY = Arrays.stream(y).average().orElse(0);
        double covariance = 0;
        double varX = 0;
        double varY = 0;
        for (int i = 0; i < x.length; i++) {
            covariance += (x[i] - meanX) * (y[i] - meanY);
            varX += (x[i] - meanX) * (x[i] - meanX);
            varY += (y[i] - meanY) * (y[i] - meanY);
        }
        return varX == 0 || varY == 0 ? Double.NaN : covariance / Math.sqrt(varX * varY);
    }

    /** 1-based ranks; tied values share the mean of their ranks. */
    static double[] ranks(double[] values) {
        Integer[] order = new Integer[values.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble(i -> values[i]));
        double[] ranks = new double[values.length];
        int start = 0;
        while (start < order.length) {
            int end = start;
            while (end + 1 < order.length && values[order[end + 1]] == values[order[start]]) {
                end++;
            }
            double rank = (start + end) / 2.0 + 1;
            for (int k = start; k <= end; k++) {
                ranks[order[k]] = rank;
            }
            start = end + 1;
        }
        return ranks;
    }
}
