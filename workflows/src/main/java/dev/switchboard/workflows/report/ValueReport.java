package dev.switchboard.workflows.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** {@code report.md}, {@code report.html} (charts as inline SVG) and {@code report.json} of {@link ValueFigures}. */
public record ValueReport(Instant from, Instant to, ValueFigures figures) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public List<Path> write(Path folder) throws IOException {
        Files.createDirectories(folder);
        Path md = Files.writeString(folder.resolve("report.md"), markdown(), StandardCharsets.UTF_8);
        Path html = Files.writeString(folder.resolve("report.html"), html(), StandardCharsets.UTF_8);
        Path json = Files.writeString(folder.resolve("report.json"), JSON.writeValueAsString(summary()), StandardCharsets.UTF_8);
        return List.of(md, html, json);
    }

    Map<String, Object> summary() {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("from", from.toString());
        summary.put("to", to.toString());
        summary.put("review_minutes", figures.reviewMinutes());
        Map<String, Object> workflows = new LinkedHashMap<>();
        figures.workflows().forEach((name, w) -> workflows.put(name, Map.ofEntries(Map.entry("tasks_delivered", w.delivered),
                Map.entry("minutes_saved", w.minutesSaved), Map.entry("cost_usd", w.costUsd),
                Map.entry("cost_per_task_usd", w.delivered == 0 ? 0 : w.costUsd / w.delivered), Map.entry("dead_letters", w.deadLetters),
                Map.entry("delivery_dead_letters", w.deliveryDeadLetters), Map.entry("error_rate", w.errorRate()),
                Map.entry("model_calls", w.calls), Map.entry("failed_model_calls", w.failedCalls), Map.entry("reviews_held", w.reviewsHeld),
                Map.entry("approved_unchanged", w.approvedUnchanged), Map.entry("corrected", w.corrected), Map.entry("rejected", w.rejected))));
        summary.put("workflows", workflows);
        Map<String, Object> models = new LinkedHashMap<>();
        figures.models().forEach((name, m) -> models.put(name, Map.of("calls", m.calls, "failed", m.failed, "cost_usd", m.costUsd)));
        summary.put("models", models);
        Map<String, Object> days = new LinkedHashMap<>();
        figures.days().forEach((day, d) -> days.put(day.toString(), Map.of("tasks_delivered", d.delivered, "cost_usd", d.costUsd,
                "minutes_saved", d.minutesSaved)));
        summary.put("days", days);
        return summary;
    }

    String markdown() {
        StringBuilder md = new StringBuilder("# What the automation did and was worth\n\nFrom ").append(from).append(" to ").append(to)
                .append(". Time saved counts each delivered task's `minutes_saved` (its task step's), less ")
                .append(number(figures.reviewMinutes(), 1)).append(" minutes per review decision.\n\n## Workflows\n\n")
                .append("| workflow | tasks | time saved (h) | cost | cost/task | error rate | dead letters | model calls | failed calls | reviews | approved | corrected | rejected |\n")
                .append("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
        figures.workflows().forEach((name, w) -> md.append("| ").append(name).append(" | ").append(w.delivered).append(" | ")
                .append(number(w.minutesSaved / 60, 1)).append(" | ").append(dollars(w.costUsd)).append(" | ")
                .append(dollars(w.delivered == 0 ? 0 : w.costUsd / w.delivered)).append(" | ").append(percent(w.errorRate())).append(" | ")
                .append(w.deadLetters + w.deliveryDeadLetters).append(" | ").append(w.calls).append(" | ").append(w.failedCalls).append(" | ")
                .append(w.reviewsHeld).append(" | ").append(w.approvedUnchanged).append(" | ").append(w.corrected).append(" | ")
                .append(w.rejected).append(" |\n"));
        md.append("\n## Models\n\n| model | calls | failed | cost |\n|---|--:|--:|--:|\n");
        figures.models().forEach((name, m) -> md.append("| ").append(name).append(" | ").append(m.calls).append(" | ").append(m.failed)
                .append(" | ").append(dollars(m.costUsd)).append(" |\n"));
        md.append("\n## Days\n\n| day | tasks | time saved (h) | cost |\n|---|--:|--:|--:|\n");
        figures.days().forEach((day, d) -> md.append("| ").append(day).append(" | ").append(d.delivered).append(" | ")
                .append(number(d.minutesSaved / 60, 1)).append(" | ").append(dollars(d.costUsd)).append(" |\n"));
        return md.toString();
    }

    String html() {
        StringBuilder html = new StringBuilder("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Switchboard report</title>\n<style>")
                .append("body{font-family:system-ui,sans-serif;max-width:1100px;margin:0 auto;padding:24px;color:#111827}")
                .append("table{border-collapse:collapse;font-size:13px}th,td{padding:4px 10px;border-bottom:1px solid #e5e7eb;text-align:right}")
                .append("th:first-child,td:first-child{text-align:left}.muted{color:#6b7280}</style></head><body>\n<h1>What the automation did and was worth</h1><p class=\"muted\">")
                .append(escape(from + " to " + to)).append("</p>\n");
        double hours = figures.workflows().values().stream().mapToDouble(w -> w.minutesSaved).sum() / 60;
        int tasks = figures.workflows().values().stream().mapToInt(w -> w.delivered).sum();
        double cost = figures.workflows().values().stream().mapToDouble(w -> w.costUsd).sum();
        html.append("<p><b>").append(tasks).append("</b> tasks delivered · <b>").append(number(hours, 1)).append(" h</b> saved · <b>")
                .append(dollars(cost)).append("</b> spent on models</p>\n");
        Map<String, Double> delivered = new LinkedHashMap<>();
        Map<String, Double> spent = new LinkedHashMap<>();
        Map<String, Double> saved = new LinkedHashMap<>();
        for (Map.Entry<LocalDate, ValueFigures.Day> day : figures.days().entrySet()) {
            delivered.put(day.getKey().toString(), (double) day.getValue().delivered);
            spent.put(day.getKey().toString(), day.getValue().costUsd);
            saved.put(day.getKey().toString(), day.getValue().minutesSaved / 60);
        }
        html.append("<h2>Tasks per day</h2>").append(columns(delivered, "#2563eb")).append("<h2>Hours saved per day</h2>").append(columns(saved, "#16a34a"))
                .append("<h2>Model cost per day (USD)</h2>").append(columns(spent, "#ea580c"));
        Map<String, Double> errors = new LinkedHashMap<>();
        figures.workflows().forEach((name, w) -> errors.put(name, w.errorRate() * 100));
        html.append("<h2>Error rate per workflow (%)</h2>").append(columns(errors, "#dc2626"));
        String table = markdown();
        html.append("<h2>Figures</h2>").append(tables(table.substring(table.indexOf("## Workflows")))).append("</body></html>\n");
        return html.toString();
    }

    /** Vertical bars, one per key, with its value on top. */
    static String columns(Map<String, Double> values, String color) {
        int width = Math.max(200, values.size() * 70 + 20);
        int height = 180;
        double max = values.values().stream().mapToDouble(Math::abs).max().orElse(1);
        max = max == 0 ? 1 : max;
        StringBuilder svg = new StringBuilder("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + width + "\" height=\"" + height
                + "\" font-family=\"system-ui, sans-serif\" font-size=\"10\">");
        int i = 0;
        for (Map.Entry<String, Double> value : values.entrySet()) {
            double bar = Math.abs(value.getValue()) / max * 130;
            int x = 10 + i++ * 70;
            svg.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%.1f\" width=\"50\" height=\"%.1f\" fill=\"%s\"/>", x, 150 - bar, bar, color))
                    .append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"middle\">%s</text>", x + 25, 146 - bar,
                            number(value.getValue(), value.getValue() == Math.rint(value.getValue()) ? 0 : 2)))
                    .append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"166\" text-anchor=\"middle\">%s</text>", x + 25, escape(value.getKey())));
        }
        return svg.append("</svg>").toString();
    }

    /** The Markdown tables as HTML tables, their headings as h3. */
    private static String tables(String markdown) {
        StringBuilder html = new StringBuilder();
        boolean open = false;
        for (String line : markdown.split("\n")) {
            if (line.startsWith("## ")) {
                html.append("<h3>").append(escape(line.substring(3))).append("</h3>");
            } else if (line.startsWith("|---")) {
                continue;
            } else if (line.startsWith("| ")) {
                String cell = open ? "td" : "th";
                if (!open) {
                    html.append("<table>");
                    open = true;
                }
                html.append("<tr>");
                for (String value : line.substring(2, line.length() - 2).split(" \\| ")) {
                    html.append('<').append(cell).append('>').append(escape(value)).append("</").append(cell).append('>');
                }
                html.append("</tr>");
            } else if (open) {
                html.append("</table>");
                open = false;
            }
        }
        return open ? html.append("</table>").toString() : html.toString();
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }

    static String number(double value, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }

    static String dollars(double value) {
        return String.format(Locale.ROOT, "$%.4f", value);
    }

    static String percent(double share) {
        return String.format(Locale.ROOT, "%.1f%%", share * 100);
    }
}
