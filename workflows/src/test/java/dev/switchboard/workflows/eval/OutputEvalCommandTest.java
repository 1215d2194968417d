package dev.switchboard.workflows.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.switchboard.llm.ModelRegistry;
import dev.switchboard.llm.sim.ModelSimulator;
import dev.switchboard.workflows.cli.SwitchboardCli;
import dev.switchboard.workflows.eval.EvalCommandTest.Run;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code switchboard eval} on an extract and a score step: the simulator's scripted answers give exactly known figures, the
 * reports are written, and the bars exit 1 below them.
 */
class OutputEvalCommandTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    // per row marker, the model's answer; INV-4, LEAD-5, CALL-3 and TICKET-3 (it cites an article never retrieved) get no valid answer
    private static final Map<String, String> ANSWERS = Map.ofEntries(
            Map.entry("INV-1", "{\"invoice_number\": \"FA-2026-0414\", \"total\": 1234.5, \"due_date\": \"2026-11-30\", \"po_number\": null, \"confidence\": 0.9}"),
            Map.entry("INV-2", "{\"invoice_number\": \" fa-2026-0430 \", \"total\": 99, \"due_date\": null, \"po_number\": \"po-7\", \"confidence\": 0.9}"),
            Map.entry("INV-3", "{\"invoice_number\": \"FA-2026-0436\", \"total\": 12, \"due_date\": null, \"po_number\": \"PO-9\", \"confidence\": 0.9}"),
            Map.entry("LEAD-1", "{\"score\": 75, \"reasons\": [\"budget\"], \"confidence\": 0.95}"),
            Map.entry("LEAD-2", "{\"score\": 30, \"reasons\": [\"no budget\"], \"confidence\": 0.6}"),
            Map.entry("LEAD-3", "{\"score\": 20, \"reasons\": [\"student\"], \"confidence\": 0.8}"),
            Map.entry("LEAD-4", "{\"score\": 95, \"reasons\": [\"timeline\"], \"confidence\": 0.95}"),
            Map.entry("CALL-1", "{\"summary\": \"Customer wants a demo next week.\"}"),
            Map.entry("CALL-2", "{\"summary\": \"The price is high.\"}"),
            Map.entry("TICKET-1", "{\"draft\": \"You can get a refund within 14 days.\", \"citations\": [\"refunds\"], \"confidence\": 0.9}"),
            Map.entry("TICKET-2", "{\"draft\": \"Reset your password from the login page.\", \"citations\": [\"refunds\"], \"confidence\": 0.9}"),
            Map.entry("TICKET-3", "{\"draft\": \"See the billing article.\", \"citations\": [\"billing\"], \"confidence\": 0.9}"));

    @TempDir
    static Path dir;

    private static ModelSimulator model;

    @BeforeAll
    static void files() throws Exception {
        model = ModelSimulator.start().answers(request -> ANSWERS.entrySet().stream().filter(answer -> request.user().contains(answer.getKey() + ":"))
                .map(Map.Entry::getValue).findFirst().orElse("not JSON"));
        Files.writeString(dir.resolve("switchboard.yaml"), """
                models:
                  sim:
                    base_url: %s
                    model: qwen2.5-7b-instruct
                    retries: 0
                """.formatted(model.baseUrl()));
        Files.writeString(dir.resolve("invoices.yaml"), """
                name: invoices
                on:
                  types: [invoice.test]
                steps:
                  - id: fields
                    extract:
                      input: "{{ event.data.text }}"
                      model: sim
                      injection: "off"
                      fields:
                        invoice_number: {type: string, required: true}
                        total: {type: number, required: true}
                        due_date: {type: date}
                        po_number: {type: string}
                """);
        Files.writeString(dir.resolve("invoices.jsonl"), """
                {"text": "INV-1: invoice FA-2026-0414, total 1.234,50 EUR, due 30/11/2026", "expected": {"invoice_number": "FA-2026-0414", "total": "1.234,50", "due_date": "30/11/2026", "po_number": null}}
                {"text": "INV-2: invoice FA-2026-0430, total 98 EUR, due 1 December 2026, PO-7", "expected": {"invoice_number": "FA-2026-0430", "total": 98, "due_date": "2026-12-01", "po_number": "PO-7"}}
                {"text": "INV-3: invoice FA-2026-0436, total 12 EUR", "expected": {"invoice_number": "FA-2026-0436", "total": 12, "due_date": null, "po_number": null}}
                {"text": "INV-4: invoice FA-2026-0443, total 40 EUR, due 2026-12-15", "expected": {"invoice_number": "FA-2026-0443", "total": 40, "due_date": "2026-12-15", "po_number": null}}
                """);
        Files.writeString(dir.resolve("leads.yaml"), """
                name: leads
                on:
                  types: [lead.test]
                steps:
                  - id: rating
                    score:
                      input: "{{ event.data.text }}"
                      model: sim
                      injection: "off"
                      min: 0
                      max: 100
                      integer: true
                      rubric: "90-100: budget and timeline; 0-49: students"
                """);
        Files.writeString(dir.resolve("leads.csv"), """
                text,score
                LEAD-1: a named budget,80
                LEAD-2: a need but no budget,20
                LEAD-3: a student,50
                LEAD-4: budget and a timeline this quarter,90
                LEAD-5: nothing known,10
                """);
    }

    @BeforeAll
    static void textFiles() throws Exception {
        Files.writeString(dir.resolve("calls.yaml"), """
                name: calls
                on:
                  types: [call.test]
                steps:
                  - id: notes
                    summarize:
                      input: "{{ event.data.text }}"
                      model: sim
                      injection: "off"
                      max_words: 40
                """);
        Files.writeString(dir.resolve("calls.jsonl"), """
                {"text": "CALL-1: the customer asked for a demo next week", "reference": "The customer wants a demo next week."}
                {"text": "CALL-2: they said the price is too high", "reference": "Price is too high."}
                {"text": "CALL-3: small talk", "reference": "Nothing decided."}
                """);
        Files.createDirectories(dir.resolve("kb"));
        Files.writeString(dir.resolve("kb/refunds.md"), "# Refunds\nWe refund any plan within 14 days of payment.\n");
        Files.writeString(dir.resolve("kb/passwords.md"), "# Passwords\nReset your password from the login page.\n");
        Files.writeString(dir.resolve("replies.yaml"), """
                name: replies
                on:
                  types: [ticket.test]
                steps:
                  - id: reply
                    draft:
                      input: "{{ event.data.text }}"
                      knowledge_base: kb
                      model: sim
                      injection: "off"
                      top_k: 2
                      min_score: 0
                """);
        Files.writeString(dir.resolve("replies.jsonl"), """
                {"text": "TICKET-1: can I get my money back?", "expected": {"reference": "Refunds are possible within 14 days.", "articles": ["refunds"]}}
                {"text": "TICKET-2: I forgot my password", "expected": {"reference": "Reset it on the login page.", "articles": ["passwords"]}}
                {"text": "TICKET-3: why was I charged twice?", "expected": {"reference": "A colleague will look into it.", "articles": ["refunds"]}}
                """);
    }

    @AfterAll
    static void stop() {
        model.close();
    }

    @Test
    void should_report_field_accuracy_exact_records_and_optional_precision_recall_when_an_extract_step_is_evaluated() throws Exception {
        // when
        Run run = EvalCommandTest.cli("eval", dir.resolve("invoices.yaml").toString(), "--dataset", dir.resolve("invoices.jsonl").toString(),
                "--label-column", "expected", "--out", dir.resolve("extract").toString(), "--min-field-accuracy", "0.5");

        // then: INV-1 right in every field (dates and amounts normalized), INV-2 wrong total and missed due date, INV-3 an extra PO
        assertThat(run.exit()).as(run.err()).isZero();
        assertThat(run.out()).contains("PASS");
        JsonNode extract = JSON.readTree(dir.resolve("extract/report.json").toFile()).path("models").get(0).path("extract");
        assertThat(extract.path("rows").asInt()).isEqualTo(4);
        assertThat(extract.path("fields").path("invoice_number").path("accuracy").asDouble()).isEqualTo(0.75);
        assertThat(extract.path("fields").path("total").path("accuracy").asDouble()).isEqualTo(0.5);
        assertThat(extract.path("fields").path("due_date").path("accuracy").asDouble()).isEqualTo(0.5);
        assertThat(extract.path("fields").path("po_number").path("accuracy").asDouble()).isEqualTo(0.5);
        assertThat(extract.path("exactMatch").asDouble()).isEqualTo(0.25);
        assertThat(extract.path("optionalPrecision").asDouble()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(extract.path("optionalRecall").asDouble()).isEqualTo(0.5);
        assertThat(Files.readString(dir.resolve("extract/report.md"))).contains("| sim | 4 | 25.0% | 56.3% | 66.7% | 50.0% | 25.0% |");
        assertThat(Files.readString(dir.resolve("extract/report.html"))).contains("<svg", "Accuracy per field", "exact records");
        assertThat(Files.readAllLines(dir.resolve("extract/predictions-sim.jsonl"))).hasSize(4);
    }

    @Test
    void should_exit_one_when_an_extract_step_is_below_the_exact_match_bar() {
        // when
        Run run = EvalCommandTest.cli("eval", dir.resolve("invoices.yaml").toString(), "--dataset", dir.resolve("invoices.jsonl").toString(),
                "--label-column", "expected", "--out", dir.resolve("extract-bar").toString(), "--min-exact-match", "0.3");

        // then
        assertThat(run.exit()).isEqualTo(SwitchboardCli.FAILED);
        assertThat(run.err()).contains("FAIL: model 'sim' exact-record match 0.2500 is below --min-exact-match 0.3000");
    }

    @Test
    void should_report_mae_spearman_within_tolerance_and_calibration_when_a_score_step_is_evaluated() throws Exception {
        // when
        Run run = EvalCommandTest.cli("eval", dir.resolve("leads.yaml").toString(), "--dataset", dir.resolve("leads.csv").toString(),
                "--label-column", "score", "--out", dir.resolve("score").toString(), "--tolerance", "5", "--min-spearman", "0.75",
                "--min-within", "0.4");

        // then: errors 5, 10, 30 and 5 over four answers; ranks (3,1,2,4) against (3,2,1,4); two of five rows within 5
        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode score = JSON.readTree(dir.resolve("score/report.json").toFile()).path("models").get(0).path("score");
        assertThat(score.path("rows").asInt()).isEqualTo(5);
        assertThat(score.path("answered").asInt()).isEqualTo(4);
        assertThat(score.path("mae").asDouble()).isEqualTo(12.5);
        assertThat(score.path("spearman").asDouble()).isCloseTo(0.8, within(1e-12));
        assertThat(score.path("withinTolerance").asDouble()).isEqualTo(0.4);
        JsonNode bands = score.path("calibration");
        assertThat(bands).hasSize(3);
        assertThat(bands.get(0).path("rows").asInt()).isEqualTo(1);
        assertThat(bands.get(0).path("withinTolerance").asDouble()).isZero();
        assertThat(bands.get(2).path("rows").asInt()).isEqualTo(2);
        assertThat(bands.get(2).path("meanConfidence").asDouble()).isCloseTo(0.95, within(1e-12));
        assertThat(bands.get(2).path("withinTolerance").asDouble()).isEqualTo(1.0);
        assertThat(Files.readString(dir.resolve("score/report.html"))).contains("<circle", "Within tolerance by confidence");
        assertThat(Files.readString(dir.resolve("score/report.md"))).contains("| sim | 5 | 4 | 12.500 | 0.800 | 40.0% |");
    }

    @Test
    void should_exit_one_when_a_score_step_errs_more_than_the_bar() {
        // when
        Run run = EvalCommandTest.cli("eval", dir.resolve("leads.yaml").toString(), "--dataset", dir.resolve("leads.csv").toString(),
                "--label-column", "score", "--out", dir.resolve("score-bar").toString(), "--max-mae", "10");

        // then
        assertThat(run.exit()).isEqualTo(SwitchboardCli.FAILED);
        assertThat(run.err()).contains("FAIL: model 'sim' MAE 12.5000 is above --max-mae 10.0000");
    }

    @Test
    void should_report_rouge_l_against_the_references_when_a_summarize_step_is_evaluated() throws Exception {
        // when
        Run run = EvalCommandTest.cli("eval", dir.resolve("calls.yaml").toString(), "--dataset", dir.resolve("calls.jsonl").toString(),
                "--label-column", "reference", "--out", dir.resolve("summarize").toString(), "--min-rouge-l", "0.6");

        // then: CALL-1 shares 6 of 7 reference words in order (12/13), CALL-2 3 of 4 (3/4), CALL-3 has no summary (0)
        assertThat(run.exit()).isEqualTo(SwitchboardCli.FAILED);
        JsonNode text = JSON.readTree(dir.resolve("summarize/report.json").toFile()).path("models").get(0).path("text");
        assertThat(text.path("answered").asInt()).isEqualTo(2);
        assertThat(text.path("rougeL").asDouble()).isCloseTo((12.0 / 13 + 0.75) / 3, within(1e-12));
        assertThat(run.err()).contains("FAIL: model 'sim' ROUGE-L 0.5577 is below --min-rouge-l 0.6000");
        assertThat(Files.readString(dir.resolve("summarize/report.html"))).contains("Against the reference answers", "<svg");
    }

    @Test
    void should_report_the_embedding_similarity_to_the_references_and_exit_one_below_its_bar() throws Exception {
        // when
        Run run = EvalCommandTest.cli("eval", dir.resolve("calls.yaml").toString(), "--dataset", dir.resolve("calls.jsonl").toString(),
                "--label-column", "reference", "--out", dir.resolve("similar").toString(), "--min-similarity", "0.99");

        // then: the mean over the rows of the encoder's cosine similarity, CALL-3 (no summary) scoring 0
        double expected;
        try (ModelRegistry registry = new ModelRegistry(Map.of())) {
            EmbeddingModel encoder = registry.embeddingModel();
            expected = (cosine(encoder, "The customer wants a demo next week.", "Customer wants a demo next week.")
                    + cosine(encoder, "Price is too high.", "The price is high.")) / 3;
        }
        assertThat(run.exit()).isEqualTo(SwitchboardCli.FAILED);
        double similarity = JSON.readTree(dir.resolve("similar/report.json").toFile()).path("models").get(0).path("text").path("similarity").asDouble();
        assertThat(similarity).isCloseTo(expected, within(1e-6)).isBetween(0.5, 2.0 / 3);
        assertThat(run.err()).contains(String.format(java.util.Locale.ROOT, "FAIL: model 'sim' embedding similarity %.4f is below --min-similarity 0.9900", similarity));
        assertThat(Files.readString(dir.resolve("similar/report.md"))).contains("sim: embedding similarity to the references");
    }

    private static double cosine(EmbeddingModel encoder, String a, String b) {
        return ReferenceSimilarity.cosine(encoder.embed(a).content().vector(), encoder.embed(b).content().vector());
    }

    @Test
    void should_report_citation_validity_precision_and_recall_when_a_draft_step_is_evaluated() throws Exception {
        // when
        Run run = EvalCommandTest.cli("eval", dir.resolve("replies.yaml").toString(), "--dataset", dir.resolve("replies.jsonl").toString(),
                "--label-column", "expected", "--out", dir.resolve("draft").toString(), "--min-citation-validity", "0.6");

        // then: TICKET-1 cites the right article, TICKET-2 a retrieved but wrong one, TICKET-3's draft is refused (it cites a missing article)
        assertThat(run.exit()).as(run.err()).isZero();
        JsonNode text = JSON.readTree(dir.resolve("draft/report.json").toFile()).path("models").get(0).path("text");
        assertThat(text.path("citationValidity").asDouble()).isCloseTo(2.0 / 3, within(1e-12));
        assertThat(text.path("citationPrecision").asDouble()).isEqualTo(0.5);
        assertThat(text.path("citationRecall").asDouble()).isCloseTo(1.0 / 3, within(1e-12));
        assertThat(text.path("rougeL").asDouble()).isCloseTo((3.0 / 7 + 8.0 / 13) / 3, within(1e-12));
        assertThat(Files.readString(dir.resolve("draft/report.md"))).contains("| sim | 3 | 2 | 0.348 | 66.7% | 50.0% | 33.3% |");
    }

    @Test
    void should_score_the_shipped_lead_scoring_workflow_when_its_leads_are_joined_with_their_expected_scores() throws Exception {
        // given the example workflow and its leads, with a model that scores every lead 50
        Path leads = Path.of("examples/data/leads.jsonl");
        Path expected = Path.of("examples/data/leads.expected.jsonl");
        try (ModelSimulator fifty = ModelSimulator.start().answers(request -> "{\"score\": 50, \"reasons\": [\"fit\"], \"confidence\": 0.7}")) {
            Path config = dir.resolve("leads-config.yaml");
            Files.writeString(config, """
                    models:
                      fast:
                        base_url: %s
                        model: qwen2.5-7b-instruct
                        retries: 0
                    sinks:
                      hubspot-tasks:
                        jsonl:
                          path: %s
                    files:
                      allowed_dirs: [%s]
                    """.formatted(fifty.baseUrl(), dir.resolve("hubspot-tasks.jsonl"), Path.of("examples").toAbsolutePath()));

            // when
            Run run = EvalCommandTest.cli("eval", "examples/crm-lead-scoring.yaml", "-c", config.toString(), "--step", "rating",
                    "--dataset", leads.toString(), "--expected", expected.toString(), "--label-column", "expected.score",
                    "--tolerance", "10", "--crm", "company=examples/data/crm-companies.jsonl", "--out", dir.resolve("leads").toString());

            // then every lead is scored, and the error is the distance of the expected scores from 50
            assertThat(run.exit()).as(run.err()).isZero();
            double mae = Files.readAllLines(expected).stream().mapToDouble(line -> {
                try {
                    return Math.abs(JSON.readTree(line).path("score").asDouble() - 50);
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).average().orElseThrow();
            JsonNode score = JSON.readTree(dir.resolve("leads/report.json").toFile()).path("models").get(0).path("score");
            assertThat(score.path("rows").asInt()).isEqualTo(62);
            assertThat(score.path("answered").asInt()).isEqualTo(62);
            assertThat(score.path("mae").asDouble()).isCloseTo(mae, within(1e-9));
            // and the crm.lookup step read the shipped companies (--crm), so the prompt names a lead's CRM company
            assertThat(fifty.requests()).anyMatch(request -> request.user().contains("CRM company: Bluefin Outfitters; segment smb"));
        }
    }
}
