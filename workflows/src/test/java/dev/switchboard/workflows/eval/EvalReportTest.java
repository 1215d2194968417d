package dev.switchboard.workflows.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.workflows.eval.Prediction.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EvalReportTest {

    @TempDir
    Path dir;

    private static EvalReport report() {
        List<Prediction> good = List.of(
                new Prediction(0, "billing", "billing", 0.9, Outcome.ANSWERED, null, 2, 0, 0, 1),
                new Prediction(1, "billing", "bug", 0.45, Outcome.ANSWERED, null, 2, 0, 0, 1),
                new Prediction(2, "bug", "bug", 0.8, Outcome.ANSWERED, null, 3, 0, 0, 1),
                new Prediction(3, "refund", "billing", 0.3, Outcome.ANSWERED, null, 3, 0, 0, 1));
        List<Prediction> chat = List.of(
                new Prediction(0, "billing", "billing", 0.95, Outcome.ANSWERED, null, 800, 0.0004, 0, 1),
                new Prediction(1, "billing", "billing", 0.9, Outcome.ANSWERED, null, 900, 0.0004, 1, 1),
                new Prediction(2, "bug", "bug", 0.9, Outcome.ANSWERED, null, 1200, 0.0004, 0, 1),
                new Prediction(3, "refund", "bug", 0.6, Outcome.ANSWERED, null, 700, 0.0004, 0, 1));
        return new EvalReport("ticket-triage", "triage", "tickets.jsonl", "switchboard eval ticket-triage.yaml --dataset tickets.jsonl",
                List.of("First 4 rows"), List.of(
                        ModelResult.of("embedded", List.of("billing", "bug"), good, 0.5, 0.1),
                        ModelResult.of("deepseek", List.of("billing", "bug"), chat, 0.5, 3.6)));
    }

    @Test
    void should_write_every_file_when_a_report_is_written() throws IOException {
        // when
        List<Path> written = report().write(dir.resolve("out"));

        // then
        assertThat(written).extracting(path -> path.getFileName().toString()).containsExactlyInAnyOrder(
                "report.md", "report.html", "report.json", "confusion-embedded.csv", "predictions-embedded.jsonl",
                "confusion-deepseek.csv", "predictions-deepseek.jsonl");
        assertThat(written).allSatisfy(path -> assertThat(Files.size(path)).isPositive());
    }

    @Test
    void should_show_the_figures_when_the_markdown_report_is_read() throws IOException {
        // when
        report().write(dir);
        String markdown = Files.readString(dir.resolve("report.md"));

        // then accuracy 2/3 in scope, macro-F1, review rate 2 of 4, out-of-scope row caught, cost per 1k $0.400
        assertThat(markdown).contains("# Evaluation: ticket-triage / triage on tickets.jsonl")
                .contains("| embedded | 4 | 66.67% | 66.67% | 0.50 | 50.0% | 100.00% | 100.0% | $0 |")
                .contains("| deepseek | 4 | 100.00% | 100.00% | 0.50 | 0.0% | 100.00% | 0.0% | $0.400 |")
                .contains("| billing | bug | 1 |")
                .contains("switchboard eval ticket-triage.yaml --dataset tickets.jsonl")
                .contains("out-of-scope sent to review");
    }

    @Test
    void should_hold_the_charts_inline_when_the_html_report_is_read() throws IOException {
        // when
        report().write(dir);
        String html = Files.readString(dir.resolve("report.html"));

        // then one self-contained page: the figures, four charts per model plus the comparison, nothing fetched
        assertThat(html).startsWith("<!DOCTYPE html>").contains("66.67%").contains("$0.400")
                .contains("Cost against accuracy").contains("Threshold trade-off").contains("F1 per label").contains("Confusion")
                .contains("out-of-scope to review").doesNotContain("<script").doesNotContain("http://cdn").doesNotContain("https://");
        assertThat(html.split("<svg", -1)).hasSize(1 + 1 + 2 * 3);
        assertThat(html).contains("<title>billing → bug: 1 of 2</title>");
    }

    @Test
    void should_write_the_summary_and_matrices_when_machines_read_them() throws IOException {
        // when
        report().write(dir);
        JsonNode json = new ObjectMapper().readTree(dir.resolve("report.json").toFile());

        // then
        assertThat(json.at("/models/0/model").asText()).isEqualTo("embedded");
        assertThat(json.at("/models/0/accuracy").asDouble()).isEqualTo(2 / 3.0);
        assertThat(json.at("/models/0/oos_to_review").asDouble()).isEqualTo(1.0);
        assertThat(json.at("/models/1/cost_per_1000_usd").asDouble()).isEqualTo(0.4, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(json.at("/models/1/tradeoff").size()).isEqualTo(ModelResult.THRESHOLDS.length);
        assertThat(Files.readString(dir.resolve("confusion-embedded.csv"))).isEqualTo("""
                expected\\predicted,billing,bug
                billing,1,1
                bug,0,1
                """);
        assertThat(Files.readAllLines(dir.resolve("predictions-deepseek.jsonl"))).hasSize(4).first().asString().contains("\"expected\":\"billing\"");
    }
}
