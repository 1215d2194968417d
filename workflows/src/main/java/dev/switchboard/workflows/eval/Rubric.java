package dev.switchboard.workflows.eval;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a judge model grades a summary or draft on, declared in YAML:
 *
 * <pre>{@code
 * instructions: The summary is read by a sales rep before the next call.   # optional
 * scale: {min: 1, max: 5}                                                  # optional, 1 to 5 by default
 * criteria:
 *   - name: faithful
 *     description: Says only what the input says.
 *   - name: complete
 *     description: Keeps every decision and next step.
 * }</pre>
 *
 * @param instructions what the judge should know about the task, or empty
 * @param min          the lowest score
 * @param max          the highest score
 * @param criteria     what is graded, each on the scale
 */
public record Rubric(String instructions, int min, int max, List<Criterion> criteria) {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    /** One graded quality: a short name (a JSON key of the judge's answer) and what it means. */
    public record Criterion(String name, String description) {
    }

    public Rubric {
        criteria = List.copyOf(criteria);
        instructions = instructions == null ? "" : instructions.strip();
    }

    /** Reads and checks a rubric file; errors name the file, the path in it and what is allowed. */
    public static Rubric read(Path file) throws IOException {
        JsonNode root = YAML.readTree(file.toFile());
        if (root == null || !root.isObject()) {
            throw invalid(file, "", String.valueOf(root), "a mapping with criteria:", "Write criteria: with a name and a description each");
        }
        int min = scale(file, root, "min", 1);
        int max = scale(file, root, "max", 5);
        if (max <= min) {
            throw invalid(file, "scale.max", String.valueOf(max), "a number above scale.min (" + min + ")", "Give the scale two ends, e.g. {min: 1, max: 5}");
        }
        JsonNode list = root.path("criteria");
        if (!list.isArray() || list.isEmpty()) {
            throw invalid(file, "criteria", list.toString(), "a list of criteria", "Write criteria: with a name and a description each");
        }
        List<Criterion> criteria = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode item = list.get(i);
            String name = item.path("name").asText("");
            if (!name.matches("[a-z][a-z0-9_]{0,39}") || !names.add(name)) {
                throw invalid(file, "criteria[" + i + "].name", name, "a unique lower-case name of letters, digits and '_'",
                        "Name each criterion once, e.g. faithful");
            }
            String description = item.path("description").asText("").strip();
            if (description.isEmpty()) {
                throw invalid(file, "criteria[" + i + "].description", description, "a description", "Say what a high score means");
            }
            criteria.add(new Criterion(name, description));
        }
        return new Rubric(root.path("instructions").asText(""), min, max, criteria);
    }

    private static int scale(Path file, JsonNode root, String end, int fallback) {
        JsonNode value = root.path("scale").path(end);
        if (value.isMissingNode()) {
            return fallback;
        }
        if (!value.canConvertToInt() || !value.isIntegralNumber()) {
            throw invalid(file, "scale." + end, value.asText(), "a whole number", "Write e.g. scale: {min: 1, max: 5}");
        }
        return value.asInt();
    }

    private static IllegalArgumentException invalid(Path file, String path, String value, String expected, String fix) {
        return new IllegalArgumentException("Rubric at " + file + (path.isEmpty() ? "" : ":" + path) + ": got '" + value + "', expected "
                + expected + ". " + fix);
    }
}
