package dev.switchboard.workflows.cli;

import java.util.Arrays;
import java.util.Collection;

/**
 * Median, percentiles and spread of a benchmark's samples (runs, latencies). Percentiles are nearest-rank:
 * always one of the samples, never an interpolation.
 *
 * @param sorted the samples, ascending
 */
record SampleStatistics(double[] sorted) {

    static SampleStatistics of(Collection<? extends Number> samples) {
        double[] values = samples.stream().mapToDouble(Number::doubleValue).sorted().toArray();
        return new SampleStatistics(values);
    }

    static SampleStatistics of(double... samples) {
        double[] values = samples.clone();
        Arrays.sort(values);
        return new SampleStatistics(values);
    }

    int count() {
        return sorted.length;
    }

    /** The smallest sample at or above which lies the share {@code p} of the samples; NaN without samples. */
    double percentile(double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /** The middle sample, or the mean of the two middle ones for an even count; NaN without samples. */
    double median() {
        int n = sorted.length;
        if (n == 0) {
            return Double.NaN;
        }
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    double min() {
        return sorted.length == 0 ? Double.NaN : sorted[0];
    }

    double max() {
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1];
    }

    /** (max − min) / median: how far apart the runs were, relative to the typical one. */
    double relativeSpread() {
        return (max() - min()) / median();
    }
}
