package dev.switchboard.workflows.eval;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.llm.steps.ExtractStepFactory;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One model's evaluation of an extract or score step: the rows it scored, their figures ({@link ExtractScores} or
 * {@link ScoreScores}), and what they cost and took.
 *
 * @param model       the model or alias
 * @param stepType    {@code extract} or {@code score}
 * @param predictions what the step did with each row of the dataset, skipped ones included
 * @param answers     the step's output per row of the dataset, null where it gave none
 * @param extract     an extract step's figures, else null
 * @param score       a score step's figures, else null
 * @param text        a summarize or draft step's figures, else null
 * @param skipped     rows the filter or a condition left out
 * @param reviewRate  share of scored rows held for review or failed
 * @param costPer1000 cost of the model calls per 1,000 scored rows, in USD
 * @param p50Millis   median model time per row
 * @param p95Millis   95th percentile of model time per row
 * @param cacheHits   calls the response cache answered
 * @param seconds     wall time of the run
 * @param judge       a judge model's grades of a summarize or draft step's texts, else null
 */
public record OutputResult(String model, String stepType, List<Prediction> predictions, List<Map<String, Object>> answers,
                           ExtractScores extract, ScoreScores score, TextScores text, int skipped, double reviewRate, double costPer1000, double p50Millis,
                           double p95Millis, long cacheHits, double seconds, JudgeScores judge) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Rows scored: not skipped. */
    public int rows() {
        return predictions.size() - skipped;
    }

    /** Why rows were skipped, as one line: {@code steps.invoice.when is false (3)}. */
    public String skippedSummary() {
        return ModelResult.skippedSummary(predictions);
    }

    /** The same result with other text figures. */
    OutputResult withText(TextScores figures) {
        return new OutputResult(model, stepType, predictions, answers, extract, score, figures, skipped, reviewRate, costPer1000, p50Millis,
                p95Millis, cacheHits, seconds, judge);
    }

    /** The same result with a judge's grades. */
    public OutputResult withJudge(JudgeScores grades) {
        return new OutputResult(model, stepType, predictions, answers, extract, score, text, skipped, reviewRate, costPer1000, p50Millis, p95Millis,
                cacheHits, seconds, grades);
    }

    static OutputResult of(String model, String stepType, Record options, List<Object> wanted, Prediction[] all, Map<String, Object>[] outputs,
                           double tolerance, double seconds) {
        List<Integer> scored = new ArrayList<>();
        for (int i = 0; i < all.length; i++) {
            if (all[i].outcome() != Prediction.Outcome.SKIPPED) {
                scored.add(i);
            }
        }
        ExtractScores extract = null;
        ScoreScores score = null;
        TextScores text = null;
        if (stepType.equals("extract")) {
            Map<String, ExtractScores.FieldSpec> specs = new LinkedHashMap<>();
            Object fields = OptionsRecords.read(options, "fields");
            if (fields instanceof Map<?, ?> map) {
                map.forEach((name, field) -> specs.putAll(specs(name.toString(), (ExtractStepFactory.Field) field)));
            }
            extract = ExtractScores.of(specs, scored.stream().map(i -> record(wanted.get(i), i)).toList(),
                    scored.stream().map(i -> outputs[i]).toList());
        } else if (stepType.equals("summarize") || stepType.equals("draft")) {
            text = TextScores.of(scored.stream().map(i -> reference(wanted.get(i))).toList(), scored.stream().map(i -> outputs[i]).toList(),
                    stepType.equals("draft") ? "draft" : "summary");
        } else {
            score = ScoreScores.of(scored.stream().map(i -> number(wanted.get(i), i)).toList(),
                    scored.stream().map(i -> outputs[i] == null ? null : number(outputs[i].get("score"), i)).toList(),
                    scored.stream().map(i -> outputs[i] == null ? null : number(outputs[i].get("confidence"), i)).toList(), tolerance);
        }
        double[] latencies = scored.stream().mapToDouble(i -> all[i].latencyMillis()).sorted().toArray();
        long review = scored.stream().filter(i -> all[i].outcome() != Prediction.Outcome.ANSWERED).count();
        double cost = scored.stream().mapToDouble(i -> all[i].costUsd()).sum();
        long hits = scored.stream().mapToLong(i -> all[i].cacheHits()).sum();
        int rows = scored.size();
        return new OutputResult(model, stepType, List.of(all), Arrays.asList(outputs.clone()), extract, score, text, all.length - rows,
                rows == 0 ? 0 : (double) review / rows, rows == 0 ? 0 : cost / rows * 1000, ModelResult.percentile(latencies, 0.50),
                ModelResult.percentile(latencies, 0.95), hits, seconds, null);
    }

    /**
     * How a declared field is scored: a plain field as itself, an object field as each of its fields ({@code supplier.name}: a
     * person checks each), a list as a whole, its items compared field by field.
     */
    private static Map<String, ExtractScores.FieldSpec> specs(String name, ExtractStepFactory.Field field) {
        boolean required = Boolean.TRUE.equals(field.required());
        Map<String, ExtractScores.FieldSpec> specs = new LinkedHashMap<>();
        if ("object".equals(field.type()) && field.fields() != null) {
            field.fields().forEach((part, property) -> specs.put(name + "." + part,
                    new ExtractScores.FieldSpec(property.type(), required && Boolean.TRUE.equals(property.required()))));
        } else if ("list".equals(field.type()) && field.items() != null) {
            Map<String, String> itemFields = null;
            if (field.items().fields() != null) {
                itemFields = new LinkedHashMap<>();
                for (var property : field.items().fields().entrySet()) {
                    itemFields.put(property.getKey(), property.getValue().type());
                }
            }
            specs.put(name, new ExtractScores.FieldSpec(field.type(), required, field.items().type(), itemFields));
        } else {
            specs.put(name, new ExtractScores.FieldSpec(field.type(), required));
        }
        return specs;
    }

    /** An expected record: an object of the row, or its JSON text. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> record(Object value, int row) {
        if (value == null || value instanceof Map<?, ?>) {
            return (Map<String, Object>) value;
        }
        try {
            return JSON.readValue(value.toString(), new TypeReference<Map<String, Object>>() { });
        } catch (IOException e) {
            throw new IllegalArgumentException("Expected record at row " + (row + 1) + ": got '" + value + "', expected a JSON object of the "
                    + "step's fields. Give each row its expected fields as an object (JSON Lines) or a JSON text (CSV)");
        }
    }

    /** A reference answer: its text, or an object with {@code reference} and the ids of the answering articles ({@code articles} or {@code kb}). */
    static TextScores.Reference reference(Object value) {
        if (value instanceof Map<?, ?> map) {
            Object articles = map.get("articles") != null ? map.get("articles") : map.get("kb");
            List<String> ids = new ArrayList<>();
            if (articles instanceof List<?> list) {
                list.forEach(id -> ids.add(String.valueOf(id)));
            }
            return new TextScores.Reference(map.get("reference") == null ? "" : map.get("reference").toString(), List.copyOf(ids));
        }
        return new TextScores.Reference(value == null ? "" : value.toString(), List.of());
    }

    private static Double number(Object value, int row) {
        if (value == null || value.toString().isBlank()) {
            return null;
        }
        if (value instanceof Number number) {
            return number.doubleValue();
        }
        try {
            return Double.parseDouble(value.toString().strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("Expected score at row " + (row + 1) + ": got '" + value + "', expected a number");
        }
    }
}
