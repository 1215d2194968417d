package dev.switchboard.llm.steps.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Few-shot examples from a file: YAML or JSON mapping each label to a list of texts, or JSON Lines
 * with one {@code {"label": ..., "text": ...}} per line.
 */
public final class ExamplesFile {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ExamplesFile() {
    }

    public static Map<String, List<String>> read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        Map<String, List<String>> examples = new LinkedHashMap<>();
        if (file.getFileName().toString().endsWith(".jsonl")) {
            int line = 0;
            for (String row : text.split("\n")) {
                line++;
                if (row.isBlank()) {
                    continue;
                }
                JsonNode node = JSON.readTree(row);
                if (!node.path("label").isTextual() || !node.path("text").isTextual()) {
                    throw new IOException("line " + line + " is not {\"label\": ..., \"text\": ...}");
                }
                examples.computeIfAbsent(node.get("label").asText(), label -> new ArrayList<>()).add(node.get("text").asText());
            }
            return examples;
        }
        Object root = new Yaml(new LoaderOptions()).load(text);
        if (!(root instanceof Map<?, ?> map)) {
            throw new IOException("expected a mapping of labels to lists of example texts");
        }
        int entryNumber = 0;
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            entryNumber++;
            if (!(entry.getValue() instanceof List<?> list)) {
                // the entry is not quoted: the file may not be an examples file at all, and a message never quotes it
                throw new IOException("entry " + entryNumber + " is not a label with a list of example texts");
            }
            List<String> texts = new ArrayList<>();
            list.forEach(item -> texts.add(String.valueOf(item)));
            examples.put(String.valueOf(entry.getKey()), texts);
        }
        return examples;
    }
}
