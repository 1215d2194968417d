package dev.switchboard.workflows.eval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Accuracy, per-label precision, recall and F1, macro-F1 and the confusion matrix of a set of
 * answers, as scikit-learn computes them: a label with no predictions has precision 0; macro-F1
 * averages F1 over every label that is expected or predicted.
 *
 * @param examples  answers scored
 * @param correct   answers equal to the expected label
 * @param accuracy  {@code correct / examples}
 * @param macroF1   the unweighted mean of the labels' F1
 * @param labels    per label, in label order
 * @param confusion expected (rows) by predicted (columns)
 */
public record Scores(int examples, int correct, double accuracy, double macroF1, List<LabelScore> labels, Confusion confusion) {

    /** The column of rows the step gave no label (failed, or skipped). */
    public static final String NONE = "(none)";

    /**
     * @param support   rows expected to have it
     * @param predicted rows answered with it
     */
    public record LabelScore(String label, int support, int predicted, int truePositives, double precision, double recall, double f1) {
    }

    /** A square matrix over {@code labels}, plus a last column {@link #NONE} when some rows got no label. */
    public record Confusion(List<String> labels, List<String> columns, int[][] counts) {

        /** The off-diagonal cells, largest first: (expected, predicted, count). */
        public List<Map.Entry<String, Map.Entry<String, Integer>>> mistakes() {
            List<Map.Entry<String, Map.Entry<String, Integer>>> cells = new ArrayList<>();
            for (int r = 0; r < labels.size(); r++) {
                for (int c = 0; c < columns.size(); c++) {
                    if (counts[r][c] > 0 && !labels.get(r).equals(columns.get(c))) {
                        cells.add(Map.entry(labels.get(r), Map.entry(columns.get(c), counts[r][c])));
                    }
                }
            }
            cells.sort(Comparator.comparing((Map.Entry<String, Map.Entry<String, Integer>> e) -> -e.getValue().getValue())
                    .thenComparing(Map.Entry::getKey).thenComparing(e -> e.getValue().getKey()));
            return cells;
        }
    }

    /**
     * @param expected  the expected label of each row
     * @param predicted the answered label of each row, null when none
     * @param order     labels to list first, in this order (the step's labels); others follow sorted
     */
    public static Scores of(List<String> expected, List<String> predicted, List<String> order) {
        if (expected.size() != predicted.size()) {
            throw new IllegalArgumentException("Expected one prediction per row, got " + predicted.size() + " for " + expected.size());
        }
        Set<String> seen = new java.util.TreeSet<>();
        seen.addAll(expected);
        predicted.stream().filter(java.util.Objects::nonNull).forEach(seen::add);
        Set<String> ordered = new LinkedHashSet<>();
        order.stream().filter(seen::contains).forEach(ordered::add);
        ordered.addAll(seen);
        List<String> labels = List.copyOf(ordered);
        Map<String, Integer> index = new LinkedHashMap<>();
        labels.forEach(label -> index.put(label, index.size()));
        boolean anyNone = predicted.stream().anyMatch(java.util.Objects::isNull);
        List<String> columns = new ArrayList<>(labels);
        if (anyNone) {
            columns.add(NONE);
        }
        int[][] counts = new int[labels.size()][columns.size()];
        int correct = 0;
        for (int i = 0; i < expected.size(); i++) {
            int row = index.get(expected.get(i));
            int column = predicted.get(i) == null ? labels.size() : index.get(predicted.get(i));
            counts[row][column]++;
            if (expected.get(i).equals(predicted.get(i))) {
                correct++;
            }
        }
        List<LabelScore> scores = new ArrayList<>(labels.size());
        double f1Sum = 0;
        for (int l = 0; l < labels.size(); l++) {
            int support = 0;
            int answered = 0;
            for (int c = 0; c < columns.size(); c++) {
                support += counts[l][c];
            }
            for (int r = 0; r < labels.size(); r++) {
                answered += counts[r][l];
            }
            int truePositives = counts[l][l];
            double precision = answered == 0 ? 0 : (double) truePositives / answered;
            double recall = support == 0 ? 0 : (double) truePositives / support;
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            f1Sum += f1;
            scores.add(new LabelScore(labels.get(l), support, answered, truePositives, precision, recall, f1));
        }
        int examples = expected.size();
        return new Scores(examples, correct, examples == 0 ? Double.NaN : (double) correct / examples,
                labels.isEmpty() ? Double.NaN : f1Sum / labels.size(), List.copyOf(scores),
                new Confusion(labels, List.copyOf(columns), counts));
    }
}
