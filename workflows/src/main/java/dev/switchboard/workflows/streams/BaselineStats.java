package dev.switchboard.workflows.streams;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Trailing statistics of a key's history, as a window condition reads them under {@code baseline}:
 * how many points, their mean and sample standard deviation, their median and median absolute
 * deviation (robust to the outliers the condition looks for). With no points every figure is 0, so a
 * condition should ask for enough history ({@code baseline.count >= 5}).
 */
record BaselineStats(int count, double mean, double stddev, double median, double mad) {

    static BaselineStats of(List<Double> points) {
        int n = points.size();
        if (n == 0) {
            return new BaselineStats(0, 0, 0, 0, 0);
        }
        double mean = points.stream().mapToDouble(Double::doubleValue).sum() / n;
        double squares = points.stream().mapToDouble(point -> (point - mean) * (point - mean)).sum();
        double stddev = n < 2 ? 0 : Math.sqrt(squares / (n - 1));
        double median = median(points);
        List<Double> deviations = new ArrayList<>(n);
        points.forEach(point -> deviations.add(Math.abs(point - median)));
        return new BaselineStats(n, mean, stddev, median, median(deviations));
    }

    private static double median(List<Double> points) {
        List<Double> sorted = new ArrayList<>(points);
        Collections.sort(sorted);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** As the condition reads it: {@code baseline.count}, {@code baseline.mean}, ... all numbers. */
    Map<String, Object> variables() {
        Map<String, Object> variables = new LinkedHashMap<>();
        variables.put("count", (double) count);
        variables.put("mean", mean);
        variables.put("stddev", stddev);
        variables.put("median", median);
        variables.put("mad", mad);
        return variables;
    }
}
