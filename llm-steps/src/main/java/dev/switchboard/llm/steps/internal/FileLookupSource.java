package dev.switchboard.llm.steps.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.llm.spi.LookupSource;
import dev.switchboard.schemas.JsonValues;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * A static lookup table from a file, read once: CSV with a header row, a JSON array of objects, or
 * JSON Lines. Records are found by one column, compared without case and surrounding spaces; the
 * {@code kind} is ignored (the file is one kind).
 */
public final class FileLookupSource implements LookupSource {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, Map<String, Object>> byKey;

    private FileLookupSource(Map<String, Map<String, Object>> byKey) {
        this.byKey = byKey;
    }

    public static FileLookupSource read(Path file, String keyColumn) throws IOException {
        List<Map<String, Object>> rows = new ArrayList<>();
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        String text = Files.readString(file, StandardCharsets.UTF_8);
        if (name.endsWith(".csv")) {
            List<List<String>> lines = Csv.parse(text);
            if (lines.isEmpty()) {
                throw new IOException("the file is empty; expected a header row");
            }
            List<String> header = lines.get(0);
            for (List<String> line : lines.subList(1, lines.size())) {
                Map<String, Object> row = new LinkedHashMap<>();
                for (int i = 0; i < header.size(); i++) {
                    row.put(header.get(i).strip(), i < line.size() ? line.get(i) : null);
                }
                rows.add(Collections.unmodifiableMap(row));
            }
        } else if (name.endsWith(".jsonl")) {
            for (String line : text.split("\n")) {
                if (!line.isBlank()) {
                    rows.add(JsonValues.toMap(JSON.readTree(line)));
                }
            }
        } else {
            JsonNode root = JSON.readTree(text);
            if (!root.isArray()) {
                throw new IOException("expected a JSON array of objects");
            }
            root.forEach(node -> rows.add(JsonValues.toMap(node)));
        }
        Map<String, Map<String, Object>> byKey = new LinkedHashMap<>();
        for (Map<String, Object> row : rows) {
            Object key = row.get(keyColumn);
            if (key != null) {
                byKey.putIfAbsent(normalize(key.toString()), row);
            }
        }
        if (!rows.isEmpty() && byKey.isEmpty()) {
            // the columns are not listed: the file may not be a lookup table at all, and a message never quotes it
            throw new IOException("no row has the key column '" + keyColumn + "'");
        }
        return new FileLookupSource(Map.copyOf(byKey));
    }

    @Override
    public Optional<Map<String, Object>> lookup(String kind, String key) {
        return key == null ? Optional.empty() : Optional.ofNullable(byKey.get(normalize(key)));
    }

    public int size() {
        return byKey.size();
    }

    private static String normalize(String key) {
        return key.strip().toLowerCase(Locale.ROOT);
    }

    /** RFC 4180 CSV: quoted fields, doubled quotes, commas and line breaks inside quotes. */
    static final class Csv {
        static List<List<String>> parse(String text) {
            List<List<String>> lines = new ArrayList<>();
            List<String> fields = new ArrayList<>();
            StringBuilder field = new StringBuilder();
            boolean quoted = false;
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                if (quoted) {
                    if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        field.append('"');
                        i++;
                    } else if (c == '"') {
                        quoted = false;
                    } else {
                        field.append(c);
                    }
                } else if (c == '"') {
                    quoted = true;
                } else if (c == ',') {
                    fields.add(field.toString());
                    field.setLength(0);
                } else if (c == '\n' || c == '\r') {
                    if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                        i++;
                    }
                    fields.add(field.toString());
                    field.setLength(0);
                    if (!(fields.size() == 1 && fields.get(0).isEmpty())) {
                        lines.add(List.copyOf(fields));
                    }
                    fields.clear();
                } else {
                    field.append(c);
                }
            }
            if (field.length() > 0 || !fields.isEmpty()) {
                fields.add(field.toString());
                lines.add(List.copyOf(fields));
            }
            return lines;
        }
    }
}
