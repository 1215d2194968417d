package dev.switchboard.workflows.review;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Corrected reviews as an evaluation dataset, one JSON line per correction: the held event's {@code data} fields (so the
 * workflow's own input template reads them as it did live), then {@code label} with the corrected label when the value
 * has one (a classify step), else {@code expected} with the whole corrected value (extract, score, summarize, draft), and
 * {@code review_id}, {@code workflow} and {@code step}. {@code switchboard eval --dataset} reads it as it is.
 */
public final class CorrectionsDataset {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CorrectionsDataset() {
    }

    /** Writes the rows of the corrections that match {@code workflow} and {@code step} (null matches any); returns how many. */
    public static int write(List<ReviewQueue.Correction> corrections, String workflow, String step, Path file) throws IOException {
        if (file.getParent() != null) {
            Files.createDirectories(file.getParent());
        }
        int rows = 0;
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            for (ReviewQueue.Correction correction : corrections) {
                JsonNode held = correction.held();
                if (workflow != null && !workflow.equals(held.path("workflow").asText())
                        || step != null && !step.equals(held.path("step").asText())) {
                    continue;
                }
                out.write(JSON.writeValueAsString(row(held, correction.decided().path("value"))));
                out.write('\n');
                rows++;
            }
        }
        return rows;
    }

    static ObjectNode row(JsonNode held, JsonNode value) {
        ObjectNode row = JSON.createObjectNode();
        JsonNode data = held.path("event").path("data");
        if (data.isObject()) {
            row.setAll((ObjectNode) data);
        }
        if (value.path("label").isTextual()) {
            row.put("label", value.path("label").asText());
        } else {
            row.set("expected", value);
        }
        row.put("review_id", held.path("review_id").asText());
        row.put("workflow", held.path("workflow").asText());
        row.put("step", held.path("step").asText());
        return row;
    }
}
