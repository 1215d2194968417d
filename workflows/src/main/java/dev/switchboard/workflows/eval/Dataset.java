package dev.switchboard.workflows.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.schemas.JsonValues;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A labelled dataset: rows of named fields, read from CSV (RFC 4180: a header row, quoted fields
 * with doubled quotes and line breaks) or JSON Lines (one object per line). Every field of a row is
 * offered to templates as {@code event.data.<field>}; one field holds the expected label.
 *
 * @param name   the file name, for reports
 * @param rows   the rows in file order
 */
public record Dataset(String name, List<Map<String, Object>> rows) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public Dataset {
        rows = List.copyOf(rows);
    }

    /** Reads a {@code .csv}, or JSON Lines ({@code .jsonl}, {@code .ndjson}, {@code .json}). */
    public static Dataset read(Path file) throws IOException {
        String name = file.getFileName().toString();
        String text = Files.readString(file, StandardCharsets.UTF_8);
        if (name.toLowerCase(java.util.Locale.ROOT).endsWith(".csv")) {
            return new Dataset(name, csv(text, name));
        }
        return new Dataset(name, jsonLines(text, name));
    }

    static List<Map<String, Object>> jsonLines(String text, String name) throws IOException {
        List<Map<String, Object>> rows = new ArrayList<>();
        String[] lines = text.split("\r?\n");
        for (int i = 0; i < lines.length; i++) {
            if (lines[i].isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = JSON.readTree(lines[i]);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IOException(name + ":" + (i + 1) + ": not a JSON object: " + e.getOriginalMessage()
                        + ". Write one JSON object per line, or use a .csv file with a header row");
            }
            if (!node.isObject()) {
                throw new IOException(name + ":" + (i + 1) + ": expected a JSON object, got " + node.getNodeType());
            }
            rows.add(JsonValues.toMap(node));
        }
        return rows;
    }

    static List<Map<String, Object>> csv(String text, String name) throws IOException {
        List<List<String>> records = new ArrayList<>();
        List<String> record = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
                any = true;
            } else if (c == ',') {
                record.add(field.toString());
                field.setLength(0);
                any = true;
            } else if (c == '\n' || c == '\r') {
                if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                if (any || field.length() > 0) {
                    record.add(field.toString());
                    records.add(record);
                }
                record = new ArrayList<>();
                field.setLength(0);
                any = false;
            } else {
                field.append(c);
                any = true;
            }
        }
        if (quoted) {
            throw new IOException(name + ": a quoted field is never closed. Check the quotes of the last row");
        }
        if (any || field.length() > 0) {
            record.add(field.toString());
            records.add(record);
        }
        if (records.isEmpty()) {
            return List.of();
        }
        List<String> header = records.get(0);
        if (!header.isEmpty() && header.get(0).startsWith("\uFEFF")) {
            header.set(0, header.get(0).substring(1));
        }
        List<Map<String, Object>> rows = new ArrayList<>(records.size() - 1);
        for (int r = 1; r < records.size(); r++) {
            List<String> values = records.get(r);
            if (values.size() != header.size()) {
                throw new IOException(name + ": row " + (r + 1) + " has " + values.size() + " fields, the header has "
                        + header.size() + ". Quote fields that contain commas");
            }
            Map<String, Object> row = new LinkedHashMap<>();
            for (int c = 0; c < header.size(); c++) {
                row.put(header.get(c), values.get(c));
            }
            rows.add(Collections.unmodifiableMap(row));
        }
        return rows;
    }

    /** The field names seen in the rows, in first-seen order. */
    public List<String> columns() {
        LinkedHashMap<String, Boolean> names = new LinkedHashMap<>();
        rows.forEach(row -> row.keySet().forEach(key -> names.put(key, true)));
        return List.copyOf(names.keySet());
    }

    /**
     * A row's field: {@code field} itself, else a dotted path into nested objects ({@code expected.score} is the
     * {@code score} of the row's {@code expected}); null when absent.
     */
    public static Object value(Map<String, Object> row, String field) {
        if (row.containsKey(field) || !field.contains(".")) {
            return row.get(field);
        }
        Object value = row;
        for (String part : field.split("\\.")) {
            value = value instanceof Map<?, ?> map ? map.get(part) : null;
        }
        return value;
    }

    /** Whether rows have this field, or the first part of its dotted path. */
    public boolean hasColumn(String field) {
        List<String> columns = columns();
        return columns.contains(field) || field.contains(".") && columns.contains(field.substring(0, field.indexOf('.')));
    }

    /**
     * Each row with {@code expected}: the row of {@code sidecar} whose {@code key} equals the row's; for a dataset of events
     * whose ground truth sits in a file beside them ({@code leads.jsonl} and {@code leads.expected.jsonl}).
     */
    public Dataset withExpected(Dataset sidecar, String key) {
        Map<String, Map<String, Object>> byKey = new LinkedHashMap<>();
        sidecar.rows().forEach(row -> byKey.put(String.valueOf(row.get(key)), row));
        List<Map<String, Object>> joined = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            Map<String, Object> row = rows.get(i);
            Map<String, Object> expected = byKey.get(String.valueOf(row.get(key)));
            if (expected == null) {
                throw new IllegalArgumentException("No expected row for " + key + " '" + row.get(key) + "' (row " + (i + 1) + " of " + name
                        + ") in " + sidecar.name() + ". Give every row its expected values, or name the key with --expected-key");
            }
            Map<String, Object> copy = new LinkedHashMap<>(row);
            copy.put("expected", expected);
            joined.add(copy);
        }
        return new Dataset(name, joined);
    }

    /** The value of a field of every row as text; a missing field is an error naming the row. */
    public List<String> column(String field) {
        List<String> values = new ArrayList<>(rows.size());
        for (int i = 0; i < rows.size(); i++) {
            Object value = value(rows.get(i), field);
            if (value == null) {
                throw new IllegalArgumentException("Missing field '" + field + "' in row " + (i + 1) + " of " + name
                        + "; its fields: " + rows.get(i).keySet() + ". Name the right one with --text-column or --label-column");
            }
            values.add(String.valueOf(value));
        }
        return values;
    }

    /** The first {@code limit} rows. */
    public Dataset head(int limit) {
        return new Dataset(name, rows.subList(0, Math.min(limit, rows.size())));
    }

    /** Rows whose label is not in {@code excluded}. */
    public Dataset without(String labelField, java.util.Set<String> excluded) {
        return new Dataset(name, rows.stream().filter(row -> !excluded.contains(String.valueOf(row.get(labelField)))).toList());
    }

    /**
     * A stratified sample of about {@code size} rows: each label keeps its share (largest remainders
     * round), rows picked at random with {@code seed} and returned in file order. The same file,
     * size and seed give the same sample.
     */
    public Dataset sample(String labelField, int size, long seed) {
        if (size >= rows.size()) {
            return this;
        }
        Map<String, List<Integer>> byLabel = new LinkedHashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            byLabel.computeIfAbsent(String.valueOf(rows.get(i).get(labelField)), key -> new ArrayList<>()).add(i);
        }
        List<String> labels = new ArrayList<>(byLabel.keySet());
        Collections.sort(labels);
        int[] quota = new int[labels.size()];
        double[] remainder = new double[labels.size()];
        int given = 0;
        for (int l = 0; l < labels.size(); l++) {
            double exact = (double) size * byLabel.get(labels.get(l)).size() / rows.size();
            quota[l] = (int) Math.floor(exact);
            remainder[l] = exact - quota[l];
            given += quota[l];
        }
        List<Integer> byRemainder = new ArrayList<>();
        for (int l = 0; l < labels.size(); l++) {
            byRemainder.add(l);
        }
        byRemainder.sort((a, b) -> Double.compare(remainder[b], remainder[a]) != 0
                ? Double.compare(remainder[b], remainder[a]) : Integer.compare(a, b));
        for (int k = 0; given < size && k < byRemainder.size(); k++, given++) {
            quota[byRemainder.get(k)]++;
        }
        Random random = new Random(seed);
        List<Integer> chosen = new ArrayList<>();
        for (int l = 0; l < labels.size(); l++) {
            List<Integer> members = new ArrayList<>(byLabel.get(labels.get(l)));
            Collections.shuffle(members, random);
            chosen.addAll(members.subList(0, Math.min(quota[l], members.size())));
        }
        Collections.sort(chosen);
        return new Dataset(name, chosen.stream().map(rows::get).toList());
    }

    /** {@code count} labels picked at random with {@code seed} from the sorted distinct labels. */
    public static List<String> pickLabels(List<String> labels, int count, long seed) {
        List<String> distinct = new ArrayList<>(new java.util.TreeSet<>(labels));
        Collections.shuffle(distinct, new Random(seed));
        List<String> picked = new ArrayList<>(distinct.subList(0, Math.min(count, distinct.size())));
        Collections.sort(picked);
        return picked;
    }
}
