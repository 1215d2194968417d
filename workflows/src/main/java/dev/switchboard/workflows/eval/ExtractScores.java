package dev.switchboard.workflows.eval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How well an extract step's answers match the expected records, values compared by {@link FieldValues}: each field's
 * accuracy, the share of records right in every field, and precision and recall on the optional fields (whether the step
 * gives a value when there is one, and only then). A row without an answer (held for review, failed) is wrong in every field.
 *
 * @param rows              rows scored
 * @param fields            per field, in declared order
 * @param exactMatch        share of rows whose every field matches
 * @param optionalPrecision of the optional values the step gave, the share that match; NaN when it gave none
 * @param optionalRecall    of the optional values expected, the share the step gave and matched; NaN when none was expected
 */
public record ExtractScores(int rows, Map<String, FieldScore> fields, double exactMatch, double optionalPrecision, double optionalRecall) {

    /**
     * What a field is: its type (for normalizing) and whether the step must give it; for a list, what its items are (their
     * type, and an object item's fields' types by name), else nulls. An object field is scored as its own fields, named
     * {@code object.field}.
     */
    public record FieldSpec(String type, boolean required, String itemType, Map<String, String> itemFields) {

        public FieldSpec(String type, boolean required) {
            this(type, required, null, null);
        }

        public FieldSpec {
            itemFields = itemFields == null ? null : java.util.Collections.unmodifiableMap(new LinkedHashMap<>(itemFields));
        }
    }

    /** One field's figures. */
    public record FieldScore(String type, boolean required, int correct, int rows, double accuracy) {
    }

    /** The mean of the fields' accuracies. */
    public double meanFieldAccuracy() {
        return fields.values().stream().mapToDouble(FieldScore::accuracy).average().orElse(Double.NaN);
    }

    /** The lowest field accuracy. */
    public double minFieldAccuracy() {
        return fields.values().stream().mapToDouble(FieldScore::accuracy).min().orElse(Double.NaN);
    }

    /** @param predicted the step's output per row, null when it gave none; {@code expected} alike, the dataset's records */
    public static ExtractScores of(Map<String, FieldSpec> specs, List<Map<String, Object>> expected, List<Map<String, Object>> predicted) {
        int rows = expected.size();
        Map<String, int[]> correct = new LinkedHashMap<>();
        specs.keySet().forEach(name -> correct.put(name, new int[1]));
        int exact = 0;
        int given = 0;
        int wanted = 0;
        int matched = 0;
        for (int i = 0; i < rows; i++) {
            Map<String, Object> want = expected.get(i) == null ? Map.of() : expected.get(i);
            Map<String, Object> got = predicted.get(i);
            boolean all = got != null;
            for (Map.Entry<String, FieldSpec> field : specs.entrySet()) {
                FieldSpec type = field.getValue();
                Object wantValue = Dataset.value(want, field.getKey());
                Object gotValue = got == null ? null : Dataset.value(got, field.getKey());
                boolean same = got != null && FieldValues.same(wantValue, gotValue, type);
                correct.get(field.getKey())[0] += same ? 1 : 0;
                all &= same;
                if (!field.getValue().required() && got != null) {
                    boolean hasWant = FieldValues.normalize(wantValue, type) != null;
                    boolean hasGot = FieldValues.normalize(gotValue, type) != null;
                    given += hasGot ? 1 : 0;
                    wanted += hasWant ? 1 : 0;
                    matched += hasWant && hasGot && same ? 1 : 0;
                } else if (!field.getValue().required()) {
                    wanted += FieldValues.normalize(wantValue, type) != null ? 1 : 0;
                }
            }
            exact += all ? 1 : 0;
        }
        Map<String, FieldScore> fields = new LinkedHashMap<>();
        specs.forEach((name, spec) -> fields.put(name, new FieldScore(spec.type(), spec.required(), correct.get(name)[0], rows,
                share(correct.get(name)[0], rows))));
        return new ExtractScores(rows, fields, share(exact, rows), share(matched, given), share(matched, wanted));
    }

    private static double share(int part, int whole) {
        return whole == 0 ? Double.NaN : (double) part / whole;
    }
}
