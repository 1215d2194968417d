package dev.switchboard.workflows.eval;

import static dev.switchboard.workflows.eval.EvalReport.dollars;
import static dev.switchboard.workflows.eval.EvalReport.number;
import static dev.switchboard.workflows.eval.EvalReport.percent;
import static dev.switchboard.workflows.eval.HtmlReport.escape;
import static dev.switchboard.workflows.eval.HtmlReport.f;
import static dev.switchboard.workflows.eval.HtmlReport.line;
import static dev.switchboard.workflows.eval.HtmlReport.svg;
import static dev.switchboard.workflows.eval.HtmlReport.text;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The results of {@code switchboard eval} on an extract or score step, and the files it writes as for classify:
 * {@code report.md}, {@code report.html} (self-contained, charts as inline SVG), {@code report.json}, and per model
 * {@code predictions-<model>.jsonl} (each row's outcome and the step's output).
 */
public record OutputReport(String workflow, String step, String stepType, String dataset, String command, List<String> notes,
                           List<OutputResult> models) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public List<Path> write(Path folder) throws IOException {
        Files.createDirectories(folder);
        List<Path> written = new ArrayList<>();
        written.add(write(folder.resolve("report.md"), markdown()));
        written.add(write(folder.resolve("report.html"), html()));
        written.add(write(folder.resolve("report.json"), JSON.writeValueAsString(summary())));
        ObjectMapper line = JSON.copy().disable(SerializationFeature.INDENT_OUTPUT);
        for (OutputResult model : models) {
            Path predictions = folder.resolve("predictions-" + EvalReport.slug(model.model()) + ".jsonl");
            try (Writer out = Files.newBufferedWriter(predictions, StandardCharsets.UTF_8)) {
                for (int i = 0; i < model.predictions().size(); i++) {
                    Map<String, Object> row = new LinkedHashMap<>(line.convertValue(model.predictions().get(i), Map.class));
                    row.put("output", model.answers().get(i));
                    out.write(line.writeValueAsString(row));
                    out.write('\n');
                }
            }
            written.add(predictions);
        }
        return written;
    }

    /** The figures without the rows, per model: what CI reads. */
    public Map<String, Object> summary() {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("workflow", workflow);
        summary.put("step", step);
        summary.put("step_type", stepType);
        summary.put("dataset", dataset);
        summary.put("command", command);
        List<Map<String, Object>> results = new ArrayList<>();
        for (OutputResult model : models) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("model", model.model());
            result.put("rows", model.rows());
            result.put("skipped", model.skipped());
            result.put("review_rate", model.reviewRate());
            result.put("cost_per_1000", model.costPer1000());
            result.put("p50_ms", model.p50Millis());
            result.put("p95_ms", model.p95Millis());
            result.put("cache_hits", model.cacheHits());
            if (model.extract() != null) {
                result.put("extract", model.extract());
            }
            if (model.score() != null) {
                result.put("score", model.score());
            }
            if (model.text() != null) {
                result.put("text", model.text());
            }
            if (model.judge() != null) {
                result.put("judge", model.judge());
            }
            results.add(result);
        }
        summary.put("models", results);
        return summary;
    }

    String markdown() {
        StringBuilder md = new StringBuilder("# Evaluation: ").append(workflow).append(" / ").append(step).append(" (").append(stepType)
                .append(")\n\nDataset `").append(dataset).append("`.\n\n");
        notes.forEach(note -> md.append("- ").append(note).append('\n'));
        md.append("\n```\n").append(command).append("\n```\n\n");
        if (stepType.equals("extract")) {
            md.append("| model | rows | exact records | mean field accuracy | optional precision | optional recall | review | cost/1k | p95 ms |\n")
                    .append("|---|--:|--:|--:|--:|--:|--:|--:|--:|\n");
            for (OutputResult m : models) {
                ExtractScores s = m.extract();
                md.append("| ").append(m.model()).append(" | ").append(m.rows()).append(" | ").append(percent(s.exactMatch())).append(" | ")
                        .append(percent(s.meanFieldAccuracy())).append(" | ").append(percent(s.optionalPrecision())).append(" | ")
                        .append(percent(s.optionalRecall())).append(" | ").append(percent(m.reviewRate())).append(" | ")
                        .append(dollars(m.costPer1000())).append(" | ").append(number(m.p95Millis(), 1)).append(" |\n");
            }
            for (OutputResult m : models) {
                md.append("\n## ").append(m.model()).append(": fields\n\n| field | type | required | accuracy | correct |\n|---|---|---|--:|--:|\n");
                m.extract().fields().forEach((name, field) -> md.append("| ").append(name).append(" | ").append(field.type()).append(" | ")
                        .append(field.required() ? "yes" : "no").append(" | ").append(percent(field.accuracy())).append(" | ")
                        .append(field.correct()).append(" / ").append(field.rows()).append(" |\n"));
            }
        } else if (models.get(0).text() != null) {
            md.append("| model | rows | answered | ROUGE-L | valid citations | citation precision | citation recall | review | cost/1k | p95 ms |\n")
                    .append("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
            for (OutputResult m : models) {
                TextScores s = m.text();
                md.append("| ").append(m.model()).append(" | ").append(m.rows()).append(" | ").append(s.answered()).append(" | ")
                        .append(number(s.rougeL(), 3)).append(" | ").append(percent(s.citationValidity())).append(" | ")
                        .append(percent(s.citationPrecision())).append(" | ").append(percent(s.citationRecall())).append(" | ")
                        .append(percent(m.reviewRate())).append(" | ").append(dollars(m.costPer1000())).append(" | ")
                        .append(number(m.p95Millis(), 1)).append(" |\n");
            }
            models.stream().filter(m -> !Double.isNaN(m.text().similarity())).forEach(m -> md.append("\n").append(m.model())
                    .append(": embedding similarity to the references ").append(number(m.text().similarity(), 3)).append("\n"));
            models.stream().filter(m -> !Double.isNaN(m.text().groundedness())).forEach(m -> md.append("\n").append(m.model())
                    .append(": groundedness ").append(percent(m.text().groundedness())).append(" (the mean share of a draft's sentences that a "
                            + "sentence of the articles retrieved for it supports, cosine at least 0.6)\n"));
            models.stream().filter(m -> m.judge() != null).forEach(m -> md.append(m.judge().markdown(m.model())));
        } else {
            md.append("| model | rows | answered | MAE | Spearman | within ±").append(number(models.isEmpty() ? 0 : models.get(0).score().tolerance(), 2))
                    .append(" | review | cost/1k | p95 ms |\n|---|--:|--:|--:|--:|--:|--:|--:|--:|\n");
            for (OutputResult m : models) {
                ScoreScores s = m.score();
                md.append("| ").append(m.model()).append(" | ").append(m.rows()).append(" | ").append(s.answered()).append(" | ")
                        .append(number(s.mae(), 3)).append(" | ").append(number(s.spearman(), 3)).append(" | ").append(percent(s.withinTolerance()))
                        .append(" | ").append(percent(m.reviewRate())).append(" | ").append(dollars(m.costPer1000())).append(" | ")
                        .append(number(m.p95Millis(), 1)).append(" |\n");
            }
            for (OutputResult m : models) {
                md.append("\n## ").append(m.model()).append(": calibration\n\n| confidence | rows | mean confidence | within tolerance |\n|---|--:|--:|--:|\n");
                m.score().calibration().forEach(band -> md.append("| ").append(number(band.from(), 1)).append("–").append(number(band.to(), 1))
                        .append(" | ").append(band.rows()).append(" | ").append(number(band.meanConfidence(), 2)).append(" | ")
                        .append(percent(band.withinTolerance())).append(" |\n"));
            }
        }
        return md.toString();
    }

    String html() {
        StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>Evaluation: ")
                .append(escape(workflow + " / " + step + " on " + dataset)).append("</title>\n<style>\n").append(HtmlReport.CSS)
                .append("</style></head>\n<body>\n<header><h1>").append(escape(workflow)).append(" <span class=\"muted\">/ ").append(escape(step))
                .append(" (").append(stepType).append(")</span></h1><p class=\"muted\">Evaluated on <b>").append(escape(dataset)).append("</b></p>");
        notes.forEach(note -> html.append("<p class=\"notes\">").append(escape(note)).append("</p>"));
        html.append("<div class=\"command\">").append(escape(command)).append("</div></header>\n");
        for (OutputResult m : models) {
            html.append("<h2>").append(escape(m.model())).append("</h2><div class=\"cards\">");
            if (m.extract() != null) {
                card(html, "exact records", percent(m.extract().exactMatch()));
                card(html, "mean field accuracy", percent(m.extract().meanFieldAccuracy()));
                card(html, "optional precision", percent(m.extract().optionalPrecision()));
                card(html, "optional recall", percent(m.extract().optionalRecall()));
            } else if (m.text() != null) {
                card(html, "ROUGE-L", number(m.text().rougeL(), 3));
                card(html, "embedding similarity", number(m.text().similarity(), 3));
                if (m.judge() != null) {
                    card(html, "judge mean (" + m.judge().min() + "–" + m.judge().max() + ")", number(m.judge().overall(), 2));
                }
                if (m.stepType().equals("draft")) {
                    card(html, "valid citations", percent(m.text().citationValidity()));
                    card(html, "citation precision", percent(m.text().citationPrecision()));
                    card(html, "citation recall", percent(m.text().citationRecall()));
                    card(html, "groundedness", percent(m.text().groundedness()));
                }
            } else {
                card(html, "MAE", number(m.score().mae(), 3));
                card(html, "Spearman", number(m.score().spearman(), 3));
                card(html, "within ±" + number(m.score().tolerance(), 2), percent(m.score().withinTolerance()));
            }
            card(html, "review", percent(m.reviewRate()));
            card(html, "cost / 1k rows", dollars(m.costPer1000()));
            card(html, "p95 ms", number(m.p95Millis(), 1));
            html.append("</div><div class=\"chart\">");
            if (m.extract() != null) {
                Map<String, Double> bars = new LinkedHashMap<>();
                m.extract().fields().forEach((name, field) -> bars.put(name, field.accuracy()));
                html.append("<h3>Accuracy per field</h3>").append(bars(bars));
            } else if (m.text() != null) {
                Map<String, Double> bars = new LinkedHashMap<>();
                bars.put("ROUGE-L", m.text().rougeL());
                bars.put("embedding similarity", m.text().similarity());
                bars.put("answered", m.text().rows() == 0 ? Double.NaN : (double) m.text().answered() / m.text().rows());
                if (m.stepType().equals("draft")) {
                    bars.put("valid citations", m.text().citationValidity());
                    bars.put("groundedness", m.text().groundedness());
                    bars.put("citation precision", m.text().citationPrecision());
                    bars.put("citation recall", m.text().citationRecall());
                }
                if (!Double.isNaN(m.text().rougeL())) {
                    html.append("<h3>Against the reference answers</h3>").append(bars(bars));
                }
                if (m.judge() != null) {
                    html.append(m.judge().html());
                }
            } else {
                html.append("<h3>Expected against answered score</h3>").append(scatter(m));
                Map<String, Double> bands = new LinkedHashMap<>();
                m.score().calibration().forEach(band -> bands.put("confidence " + number(band.from(), 1) + "–" + number(band.to(), 1)
                        + " (" + band.rows() + ")", band.withinTolerance()));
                html.append("<h3>Within tolerance by confidence</h3>").append(bars(bands));
            }
            html.append("</div>\n");
        }
        return html.append("<footer class=\"muted\">Written by switchboard eval.</footer></body></html>\n").toString();
    }

    private static void card(StringBuilder html, String title, String value) {
        html.append("<div class=\"card\"><div class=\"value\">").append(escape(value)).append("</div><div class=\"title\">")
                .append(escape(title)).append("</div></div>");
    }

    /** Horizontal bars of shares in [0, 1]. */
    static String bars(Map<String, Double> shares) {
        int row = 16;
        int labelWidth = 220;
        int barWidth = 300;
        int height = Math.max(40, shares.size() * row + 24);
        StringBuilder svg = svg(labelWidth + barWidth + 60, height);
        for (int i = 0; i <= 4; i++) {
            double x = labelWidth + barWidth * i / 4.0;
            svg.append(line(x, 0, x, height - 18, "#f1f5f9")).append(text(x, height - 4, number(i / 4.0, 2), "middle", 10));
        }
        int i = 0;
        for (Map.Entry<String, Double> bar : shares.entrySet()) {
            double share = Double.isNaN(bar.getValue()) ? 0 : bar.getValue();
            double y = i++ * row;
            String color = share >= 0.9 ? "#16a34a" : share >= 0.75 ? "#ca8a04" : "#dc2626";
            svg.append(text(labelWidth - 6, y + 12, bar.getKey(), "end", 11)).append("<rect x=\"").append(labelWidth).append("\" y=\"")
                    .append(f(y + 2)).append("\" width=\"").append(f(barWidth * share)).append("\" height=\"").append(row - 4)
                    .append("\" fill=\"").append(color).append("\"/>").append(text(labelWidth + barWidth * share + 4, y + 12, percent(bar.getValue()), "start", 10));
        }
        return svg.append("</svg>").toString();
    }

    /** Each answered row as a point: expected score across, answered score up, and the diagonal where they agree. */
    static String scatter(OutputResult model) {
        List<double[]> points = new ArrayList<>();
        for (int i = 0; i < model.predictions().size(); i++) {
            Map<String, Object> answer = model.answers().get(i);
            String expected = model.predictions().get(i).expected();
            if (answer != null && answer.get("score") instanceof Number got && expected != null) {
                try {
                    points.add(new double[] {Double.parseDouble(expected), got.doubleValue()});
                } catch (NumberFormatException ignored) {
                    // not a number: left off the chart, as it is left out of the figures
                }
            }
        }
        double low = points.stream().flatMapToDouble(p -> java.util.Arrays.stream(p)).min().orElse(0);
        double high = points.stream().flatMapToDouble(p -> java.util.Arrays.stream(p)).max().orElse(1);
        double span = high > low ? high - low : 1;
        int size = 300;
        int pad = 30;
        StringBuilder svg = svg(size + 2 * pad, size + 2 * pad);
        svg.append(line(pad, pad + size, pad + size, pad, "#cbd5e1"))
                .append(line(pad, pad + size, pad + size, pad + size, "#94a3b8")).append(line(pad, pad, pad, pad + size, "#94a3b8"))
                .append(text(pad, pad + size + 16, number(low, 0), "middle", 10)).append(text(pad + size, pad + size + 16, number(high, 0), "middle", 10))
                .append(text(pad - 4, pad + 4, number(high, 0), "end", 10));
        for (double[] point : points) {
            double x = pad + (point[0] - low) / span * size;
            double y = pad + size - (point[1] - low) / span * size;
            svg.append("<circle cx=\"").append(f(x)).append("\" cy=\"").append(f(y)).append("\" r=\"3\" fill=\"#2563eb\" fill-opacity=\"0.6\"><title>")
                    .append(escape("expected " + number(point[0], 2) + ", answered " + number(point[1], 2))).append("</title></circle>");
        }
        return svg.append("</svg>").toString();
    }

    private static Path write(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8);
        return file;
    }
}
