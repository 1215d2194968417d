package dev.switchboard.workflows.eval;

import static dev.switchboard.workflows.eval.EvalReport.dollars;
import static dev.switchboard.workflows.eval.EvalReport.number;
import static dev.switchboard.workflows.eval.EvalReport.percent;
import static dev.switchboard.workflows.eval.EvalReport.percent2;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * {@code report.html}: one self-contained page (inline CSS, charts as inline SVG, no scripts, nothing
 * fetched): the models side by side, cost against accuracy, and per model the threshold trade-off
 * curve, per-label F1 bars and the confusion heatmap (hover a cell for its counts).
 */
final class HtmlReport {

    private static final String[] SERIES_COLORS = {"#2563eb", "#16a34a", "#dc2626", "#9333ea", "#ea580c", "#0891b2"};

    private HtmlReport() {
    }

    static String render(EvalReport report) {
        StringBuilder html = new StringBuilder();
        html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>Evaluation: ")
                .append(escape(report.workflow() + " / " + report.step() + " on " + report.dataset())).append("</title>\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<style>\n").append(CSS).append("</style></head>\n<body>\n");
        html.append("<header><h1>").append(escape(report.workflow())).append(" <span class=\"muted\">/ ").append(escape(report.step()))
                .append("</span></h1><p class=\"muted\">Evaluated on <b>").append(escape(report.dataset())).append("</b>");
        if (!report.models().isEmpty()) {
            html.append(" · ").append(report.models().get(0).rows()).append(" rows");
        }
        html.append("</p>");
        if (!report.notes().isEmpty()) {
            html.append("<ul class=\"notes\">");
            report.notes().forEach(note -> html.append("<li>").append(escape(note)).append("</li>"));
            html.append("</ul>");
        }
        html.append("<pre class=\"command\">").append(escape(report.command())).append("</pre></header>\n");

        html.append("<section><h2>Models</h2><table><thead><tr><th>model</th><th>accuracy</th><th>macro-F1</th><th>threshold</th>")
                .append("<th>review rate</th><th>accuracy kept</th><th>out-of-scope to review</th><th>cost / 1k</th><th>p50</th><th>p95</th>")
                .append("<th>cache hits</th><th>rows/s</th></tr></thead><tbody>");
        for (ModelResult model : report.models()) {
            html.append("<tr><td><a href=\"#m-").append(EvalReport.slug(model.model())).append("\">").append(escape(model.model())).append("</a></td>")
                    .append(td(percent2(model.scores().accuracy()))).append(td(percent2(model.scores().macroF1())))
                    .append(td(number(model.threshold(), 2))).append(td(percent(model.reviewRate())))
                    .append(td(percent2(model.acceptedAccuracy()))).append(td(model.outOfScope() == 0 ? "–" : percent(model.oosToReview())))
                    .append(td(dollars(model.costPer1000()))).append(td(number(model.p50Millis(), 1) + " ms"))
                    .append(td(number(model.p95Millis(), 1) + " ms")).append(td(String.valueOf(model.cacheHits())))
                    .append(td(number(model.rowsPerSecond(), 0))).append("</tr>");
        }
        html.append("</tbody></table>\n<p class=\"muted\">Accuracy and macro-F1 count every in-scope answer whatever its confidence. "
                + "At the threshold, answers below it go to review: <i>review rate</i> is the share of all rows a person sees, "
                + "<i>accuracy kept</i> the accuracy of the answers that stay automatic.</p>");
        html.append("<div class=\"chart\"><h3>Cost against accuracy</h3>").append(costAccuracy(report.models())).append("</div></section>\n");

        for (ModelResult model : report.models()) {
            html.append("<section id=\"m-").append(EvalReport.slug(model.model())).append("\"><h2>").append(escape(model.model())).append("</h2>");
            html.append("<div class=\"cards\">")
                    .append(card("accuracy", percent2(model.scores().accuracy())))
                    .append(card("macro-F1", percent2(model.scores().macroF1())))
                    .append(card("review rate @ " + number(model.threshold(), 2), percent(model.reviewRate())))
                    .append(card("accuracy kept", percent2(model.acceptedAccuracy())));
            if (model.outOfScope() > 0) {
                html.append(card("out-of-scope to review", percent(model.oosToReview())));
            }
            html.append(card("cost / 1k rows", dollars(model.costPer1000())))
                    .append(card("p50 / p95", number(model.p50Millis(), 1) + " / " + number(model.p95Millis(), 1) + " ms"))
                    .append("</div>");
            html.append("<p class=\"muted\">").append(model.inScope()).append(" rows in scope (").append(model.stepLabels().size()).append(" labels)");
            if (model.outOfScope() > 0) {
                html.append(", ").append(model.outOfScope()).append(" out of scope: their label is not one the step knows, so the right outcome is review");
            }
            if (model.failed() > 0 || model.skipped() > 0) {
                html.append("; ").append(model.failed()).append(" failed, ").append(model.skipped()).append(" skipped");
            }
            html.append(".</p>");
            html.append("<div class=\"chart\"><h3>Threshold trade-off</h3>").append(tradeoff(model)).append(tradeoffTable(model)).append("</div>");
            html.append(chainTable(ChainMembers.of(model.predictions(), model.stepLabels())));
            html.append("<div class=\"row\"><div class=\"chart\"><h3>F1 per label</h3>").append(f1Bars(model.scores())).append("</div>");
            html.append("<div class=\"chart\"><h3>Confusion (rows: expected, columns: answered; share of the row)</h3>")
                    .append(heatmap(model.scores().confusion())).append("</div></div>");
            html.append("</section>\n");
        }
        html.append("<footer class=\"muted\">Generated by <code>switchboard eval</code>.</footer>\n</body></html>\n");
        return html.toString();
    }

    private static String td(String text) {
        return "<td>" + escape(text) + "</td>";
    }

    private static String card(String title, String value) {
        return "<div class=\"card\"><div class=\"value\">" + escape(value) + "</div><div class=\"title\">" + escape(title) + "</div></div>";
    }

    /** A chart's canvas and the margins around its plot area; shares (0 to 1) map onto the plot area. */
    private record Plot(int width, int height, int left, int right, int top, int bottom) {

        int plotWidth() {
            return width - left - right;
        }

        int plotHeight() {
            return height - top - bottom;
        }

        /** The x of a share of the plot's width. */
        double x(double share) {
            return left + plotWidth() * share;
        }

        /** The y of a share of the plot's height, from the bottom. */
        double y(double share) {
            return top + plotHeight() - plotHeight() * share;
        }

        StringBuilder svg() {
            return HtmlReport.svg(width, height);
        }

        /** The y of the x axis. */
        int base() {
            return top + plotHeight();
        }

        /** A light horizontal line across the plot at y, with its label on the left. */
        String grid(double y, String label) {
            return line(left, y, left + plotWidth(), y, "#e5e7eb") + text(left - 6, y + 4, label, "end", 11);
        }

        /** A label under the x axis at x. */
        String tick(double x, String label) {
            return text(x, base() + 16, label, "middle", 11);
        }

        /** The x axis and its title. */
        String axis(String title) {
            return line(left, base(), left + plotWidth(), base(), "#9ca3af") + text(left + plotWidth() / 2.0, height - 4, title, "middle", 12);
        }
    }

    /** One line of the trade-off chart. */
    private record Series(String name, ToDoubleFunction<ModelResult.TradeoffPoint> value, String color) {
    }

    static String costAccuracy(List<ModelResult> models) {
        Plot plot = new Plot(560, 300, 60, 140, 20, 40);
        double maxCost = models.stream().mapToDouble(ModelResult::costPer1000).max().orElse(0);
        double xMax = maxCost == 0 ? 1 : maxCost * 1.15;
        double minAccuracy = models.stream().mapToDouble(m -> m.scores().accuracy()).filter(a -> !Double.isNaN(a)).min().orElse(0);
        double yMin = Math.max(0, Math.floor((minAccuracy - 0.05) * 10) / 10);
        double yMax = 1;
        StringBuilder svg = plot.svg();
        for (int i = 0; i <= 4; i++) {
            double y = yMin + (yMax - yMin) * i / 4;
            svg.append(plot.grid(plot.y((y - yMin) / (yMax - yMin)), percent(y)))
                    .append(plot.tick(plot.x(i / 4.0), maxCost == 0 ? (i == 0 ? "$0" : "") : dollars(xMax * i / 4)));
        }
        svg.append(plot.axis("cost per 1,000 rows (USD)")).append(line(plot.left(), plot.top(), plot.left(), plot.base(), "#9ca3af"));
        int middle = plot.top() + plot.plotHeight() / 2;
        svg.append("<text x=\"14\" y=\"").append(middle).append("\" font-size=\"12\" text-anchor=\"middle\" transform=\"rotate(-90 14 ")
                .append(middle).append(")\">accuracy</text>");
        for (int i = 0; i < models.size(); i++) {
            ModelResult model = models.get(i);
            double px = plot.x(model.costPer1000() / xMax);
            double py = plot.y((model.scores().accuracy() - yMin) / (yMax - yMin));
            String color = SERIES_COLORS[i % SERIES_COLORS.length];
            svg.append("<circle cx=\"").append(f(px)).append("\" cy=\"").append(f(py)).append("\" r=\"6\" fill=\"").append(color)
                    .append("\"><title>").append(escape(model.model() + ": " + percent2(model.scores().accuracy()) + ", "
                            + dollars(model.costPer1000()) + " per 1k")).append("</title></circle>");
            svg.append(text(px + 9, py + 4, model.model() + " " + percent(model.scores().accuracy()), "start", 12));
        }
        return svg.append("</svg>").toString();
    }

    static String tradeoff(ModelResult model) {
        Plot plot = new Plot(640, 300, 50, 200, 16, 40);
        StringBuilder svg = plot.svg();
        for (int i = 0; i <= 5; i++) {
            svg.append(plot.grid(plot.y(i / 5.0), (i * 20) + "%")).append(plot.tick(plot.x(i / 5.0), number(i / 5.0, 1)));
        }
        svg.append(plot.axis("confidence threshold (answers below it go to review)"));
        double tx = plot.x(model.threshold());
        svg.append("<line x1=\"").append(f(tx)).append("\" y1=\"").append(plot.top()).append("\" x2=\"").append(f(tx)).append("\" y2=\"")
                .append(plot.base()).append("\" stroke=\"#6b7280\" stroke-dasharray=\"4 3\"/>");
        List<Series> series = List.of(
                new Series("accuracy of automated", ModelResult.TradeoffPoint::acceptedAccuracy, SERIES_COLORS[0]),
                new Series("in-scope automated", ModelResult.TradeoffPoint::coverage, SERIES_COLORS[1]),
                new Series("review rate", ModelResult.TradeoffPoint::reviewRate, SERIES_COLORS[4]),
                new Series("out-of-scope to review", ModelResult.TradeoffPoint::oosToReview, SERIES_COLORS[2]));
        int legend = 0;
        for (Series s : series) {
            StringBuilder points = new StringBuilder();
            StringBuilder dots = new StringBuilder();
            for (ModelResult.TradeoffPoint point : model.curve()) {
                double v = s.value().applyAsDouble(point);
                if (Double.isNaN(v)) {
                    continue;
                }
                double px = plot.x(point.threshold());
                double py = plot.y(v);
                points.append(f(px)).append(',').append(f(py)).append(' ');
                dots.append("<circle cx=\"").append(f(px)).append("\" cy=\"").append(f(py)).append("\" r=\"2.5\" fill=\"").append(s.color())
                        .append("\"><title>").append(escape(s.name() + " at " + number(point.threshold(), 2) + ": " + percent(v))).append("</title></circle>");
            }
            if (points.length() == 0) {
                continue;
            }
            svg.append("<polyline fill=\"none\" stroke-width=\"2\" stroke=\"").append(s.color()).append("\" points=\"").append(points.toString().trim())
                    .append("\"/>").append(dots);
            double ly = plot.top() + 14 + legend * 20;
            int legendX = plot.left() + plot.plotWidth();
            svg.append("<rect x=\"").append(legendX + 16).append("\" y=\"").append(f(ly - 9)).append("\" width=\"12\" height=\"12\" fill=\"")
                    .append(s.color()).append("\"/>").append(text(legendX + 34, ly + 1, s.name(), "start", 12));
            legend++;
        }
        return svg.append("</svg>").toString();
    }

    /** Per model of an alias chain, when rows went through more than one: quality against cost against fall-through. */
    private static String chainTable(List<ChainMembers> chain) {
        if (chain.isEmpty()) {
            return "";
        }
        StringBuilder html = new StringBuilder("<div class=\"chart\"><h3>Alias chain, per model</h3><table class=\"compact\"><thead><tr>"
                + "<th>model</th><th>rows asked</th><th>answered</th><th>accuracy of its answers</th><th>fell through</th><th>cost</th>"
                + "</tr></thead><tbody>");
        for (ChainMembers member : chain) {
            html.append("<tr>").append(td(member.member())).append(td(String.valueOf(member.asked())))
                    .append(td(String.valueOf(member.answered()))).append(td(percent2(member.accuracy())))
                    .append(td(percent(member.fallThroughRate()))).append(td(dollars(member.costUsd()))).append("</tr>");
        }
        return html.append("</tbody></table></div>").toString();
    }

    private static String tradeoffTable(ModelResult model) {
        boolean oos = model.outOfScope() > 0;
        StringBuilder html = new StringBuilder("<table class=\"compact\"><thead><tr><th>threshold</th><th>in-scope automated</th>"
                + "<th>accuracy of automated</th><th>review rate</th>" + (oos ? "<th>out-of-scope to review</th><th>out-of-scope mislabelled</th>" : "")
                + "</tr></thead><tbody>");
        for (ModelResult.TradeoffPoint point : model.curve()) {
            boolean chosen = Math.abs(point.threshold() - model.threshold()) < 1e-9;
            html.append(chosen ? "<tr class=\"chosen\">" : "<tr>").append(td(number(point.threshold(), 2))).append(td(percent(point.coverage())))
                    .append(td(percent2(point.acceptedAccuracy()))).append(td(percent(point.reviewRate())));
            if (oos) {
                html.append(td(percent(point.oosToReview()))).append(td(percent(1 - point.oosToReview())));
            }
            html.append("</tr>");
        }
        return html.append("</tbody></table>").toString();
    }

    static String f1Bars(Scores scores) {
        List<Scores.LabelScore> labels = scores.labels().stream()
                .sorted(Comparator.comparingDouble(Scores.LabelScore::f1).thenComparing(Scores.LabelScore::label)).toList();
        int row = 13;
        int labelWidth = 230;
        int barWidth = 260;
        int width = labelWidth + barWidth + 60;
        int height = Math.max(40, labels.size() * row + 24);
        StringBuilder svg = svg(width, height);
        for (int i = 0; i <= 4; i++) {
            double x = labelWidth + barWidth * i / 4.0;
            svg.append(line(x, 0, x, height - 18, "#f1f5f9")).append(text(x, height - 4, number(i / 4.0, 2), "middle", 10));
        }
        for (int i = 0; i < labels.size(); i++) {
            Scores.LabelScore label = labels.get(i);
            double y = i * row;
            String color = label.f1() >= 0.9 ? "#16a34a" : label.f1() >= 0.75 ? "#ca8a04" : "#dc2626";
            svg.append(text(labelWidth - 6, y + 10, label.label(), "end", 10));
            svg.append("<rect x=\"").append(labelWidth).append("\" y=\"").append(f(y + 2)).append("\" width=\"").append(f(barWidth * label.f1()))
                    .append("\" height=\"").append(row - 3).append("\" fill=\"").append(color).append("\"><title>")
                    .append(escape(label.label() + ": F1 " + number(label.f1(), 3) + ", precision " + number(label.precision(), 3)
                            + ", recall " + number(label.recall(), 3) + ", support " + label.support())).append("</title></rect>");
            svg.append(text(labelWidth + barWidth * label.f1() + 4, y + 10, number(label.f1(), 2), "start", 9));
        }
        return svg.append("</svg>").toString();
    }

    static String heatmap(Scores.Confusion confusion) {
        int rows = confusion.labels().size();
        int columns = confusion.columns().size();
        double cell = Math.max(5, Math.min(22, 620.0 / Math.max(rows, columns)));
        boolean named = cell >= 5;
        int font = (int) Math.max(6, Math.min(11, cell - 1));
        int margin = named ? Math.min(220, 14 + font * maxLength(confusion.columns()) * 6 / 10) : 10;
        int width = (int) (margin + cell * columns + 10);
        int height = (int) (margin + cell * rows + 10);
        StringBuilder svg = svg(width, height);
        // One background for the grid; only cells with rows are drawn, which keeps a 77-label matrix small.
        svg.append("<rect x=\"").append(margin).append("\" y=\"").append(margin).append("\" width=\"").append(f(cell * columns))
                .append("\" height=\"").append(f(cell * rows)).append("\" fill=\"#f8fafc\"/>");
        for (int c = 0; c < columns && named; c++) {
            double x = margin + c * cell + cell / 2 + font / 3.0;
            svg.append("<text x=\"").append(f(x)).append("\" y=\"").append(margin - 4).append("\" font-size=\"").append(font)
                    .append("\" transform=\"rotate(-90 ").append(f(x)).append(' ').append(margin - 4).append(")\">")
                    .append(escape(confusion.columns().get(c))).append("</text>");
        }
        for (int r = 0; r < rows; r++) {
            int total = 0;
            for (int c = 0; c < columns; c++) {
                total += confusion.counts()[r][c];
            }
            double y = margin + r * cell;
            if (named) {
                svg.append(text(margin - 4, y + cell / 2 + font / 3.0, confusion.labels().get(r), "end", font));
            }
            for (int c = 0; c < columns; c++) {
                int count = confusion.counts()[r][c];
                if (count == 0) {
                    continue;
                }
                double share = total == 0 ? 0 : (double) count / total;
                boolean diagonal = confusion.labels().get(r).equals(confusion.columns().get(c));
                String fill = diagonal ? blend(0x2563eb, share) : blend(0xdc2626, Math.min(1, 0.25 + share));
                svg.append("<rect x=\"").append(f(margin + c * cell)).append("\" y=\"").append(f(y)).append("\" width=\"").append(f(cell - 0.5))
                        .append("\" height=\"").append(f(cell - 0.5)).append("\" fill=\"").append(fill).append("\"><title>")
                        .append(escape(confusion.labels().get(r) + " → " + confusion.columns().get(c) + ": " + count + " of " + total))
                        .append("</title></rect>");
            }
        }
        return svg.append("</svg>").toString();
    }

    private static int maxLength(List<String> names) {
        return names.stream().mapToInt(String::length).max().orElse(4);
    }

    /** The color at {@code share} between near-white and {@code rgb}. */
    private static String blend(int rgb, double share) {
        int r = (rgb >> 16) & 0xff;
        int g = (rgb >> 8) & 0xff;
        int b = rgb & 0xff;
        double t = Math.max(0.08, Math.min(1, share));
        return String.format(Locale.ROOT, "#%02x%02x%02x", (int) (248 + (r - 248) * t), (int) (250 + (g - 250) * t), (int) (252 + (b - 252) * t));
    }

    static StringBuilder svg(int width, int height) {
        return new StringBuilder("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + width + "\" height=\"" + height
                + "\" viewBox=\"0 0 " + width + " " + height + "\" font-family=\"system-ui, sans-serif\">");
    }

    static String line(double x1, double y1, double x2, double y2, String color) {
        return "<line x1=\"" + f(x1) + "\" y1=\"" + f(y1) + "\" x2=\"" + f(x2) + "\" y2=\"" + f(y2) + "\" stroke=\"" + color + "\"/>";
    }

    static String text(double x, double y, String text, String anchor, int size) {
        return "<text x=\"" + f(x) + "\" y=\"" + f(y) + "\" font-size=\"" + size + "\" text-anchor=\"" + anchor + "\">" + escape(text) + "</text>";
    }

    static String f(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }

    static final String CSS = """
            body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 0 auto; max-width: 1280px; padding: 24px; color: #111827; background: #fff; }
            h1 { margin: 0 0 4px; font-size: 26px; } h2 { margin-top: 36px; border-bottom: 1px solid #e5e7eb; padding-bottom: 6px; } h3 { font-size: 15px; margin: 8px 0; }
            .muted { color: #6b7280; } .notes { color: #374151; margin: 6px 0; }
            .command { background: #f3f4f6; padding: 8px 12px; border-radius: 6px; white-space: pre-wrap; font-size: 12px; }
            table { border-collapse: collapse; margin: 10px 0; font-size: 13px; } th, td { padding: 5px 10px; border-bottom: 1px solid #e5e7eb; text-align: right; }
            th:first-child, td:first-child { text-align: left; } th { background: #f9fafb; font-weight: 600; }
            table.compact td, table.compact th { padding: 3px 8px; font-size: 12px; } tr.chosen { background: #eff6ff; font-weight: 600; }
            .cards { display: flex; flex-wrap: wrap; gap: 12px; margin: 12px 0; }
            .card { border: 1px solid #e5e7eb; border-radius: 8px; padding: 10px 16px; min-width: 120px; }
            .card .value { font-size: 22px; font-weight: 600; } .card .title { color: #6b7280; font-size: 12px; }
            .chart { margin: 12px 0; overflow-x: auto; } .row { display: flex; flex-wrap: wrap; gap: 24px; align-items: flex-start; }
            footer { margin-top: 40px; font-size: 12px; }
            """;
}
