package dev.switchboard.workflows.eval;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The results of one {@code switchboard eval} run, and the files it writes: {@code report.md},
 * {@code report.html} (self-contained, charts as inline SVG), {@code report.json}, and per model
 * {@code confusion-<model>.csv} and {@code predictions-<model>.jsonl}.
 *
 * @param workflow the workflow's name
 * @param step     the step evaluated
 * @param dataset  the dataset's file name
 * @param command  the command line that reproduces it
 * @param notes    lines shown under the title (sampling, held-out labels, ...)
 * @param models   one result per model, in the order asked
 */
public record EvalReport(String workflow, String step, String dataset, String command, List<String> notes, List<ModelResult> models) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Writes every file into {@code folder}; returns the paths written. */
    public List<Path> write(Path folder) throws IOException {
        Files.createDirectories(folder);
        List<Path> written = new ArrayList<>();
        written.add(write(folder.resolve("report.md"), MarkdownReport.render(this)));
        written.add(write(folder.resolve("report.html"), HtmlReport.render(this)));
        written.add(write(folder.resolve("report.json"), JSON.writeValueAsString(summary())));
        for (ModelResult model : models) {
            String slug = slug(model.model());
            written.add(write(folder.resolve("confusion-" + slug + ".csv"), confusionCsv(model.scores().confusion())));
            Path predictions = folder.resolve("predictions-" + slug + ".jsonl");
            try (Writer out = Files.newBufferedWriter(predictions, StandardCharsets.UTF_8)) {
                for (Prediction prediction : model.predictions()) {
                    out.write(JSON.copy().disable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(prediction));
                    out.write('\n');
                }
            }
            written.add(predictions);
        }
        return written;
    }

    private static Path write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }

    static String slug(String name) {
        return name.replaceAll("[^A-Za-z0-9._-]", "_");
    }

    /** The figures, without the rows: what CI pipelines and scripts read. */
    public EvalSummary summary() {
        return EvalSummary.of(this);
    }

    static String confusionCsv(Scores.Confusion confusion) {
        StringBuilder csv = new StringBuilder("expected\\predicted");
        confusion.columns().forEach(column -> csv.append(',').append(csvField(column)));
        csv.append('\n');
        for (int r = 0; r < confusion.labels().size(); r++) {
            csv.append(csvField(confusion.labels().get(r)));
            for (int c = 0; c < confusion.columns().size(); c++) {
                csv.append(',').append(confusion.counts()[r][c]);
            }
            csv.append('\n');
        }
        return csv.toString();
    }

    private static String csvField(String text) {
        return text.contains(",") || text.contains("\"") ? "\"" + text.replace("\"", "\"\"") + "\"" : text;
    }

    static String percent(double share) {
        return Double.isNaN(share) ? "–" : String.format(Locale.ROOT, "%.1f%%", share * 100);
    }

    static String percent2(double share) {
        return Double.isNaN(share) ? "–" : String.format(Locale.ROOT, "%.2f%%", share * 100);
    }

    static String number(double value, int decimals) {
        return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    static String dollars(double value) {
        return value == 0 ? "$0" : value < 0.01 ? String.format(Locale.ROOT, "$%.5f", value) : String.format(Locale.ROOT, "$%.3f", value);
    }
}
