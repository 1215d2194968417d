package dev.switchboard.workflows.steps;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.schemas.events.EventParser;
import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepInvocation;
import dev.switchboard.schemas.spi.StepOutcome;
import dev.switchboard.schemas.testing.StepTestKit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

/**
 * The invoice checks over the sample invoices' ground truth, read as a model reads the PDFs (the
 * printed total, not the sum): the clean ones pass, and each deliberate error fails the check made
 * for it, with a message a person can act on.
 */
class InvoiceCheckStepTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path GROUND_TRUTH = Path.of("examples/data/invoices/ground-truth.jsonl");

    private final FakeRegister register = new FakeRegister();

    /** The register as the stage keeps it, in memory. */
    static final class FakeRegister implements InvoiceRegister {
        final Map<String, Entry> entries = new ConcurrentHashMap<>();
        volatile boolean unavailable;

        @Override
        public Optional<Entry> find(String invoiceKey) {
            if (unavailable) {
                throw new Unavailable("restoring");
            }
            return Optional.ofNullable(entries.get(invoiceKey));
        }
    }

    static List<Map<String, Object>> groundTruth() throws IOException {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String line : Files.readAllLines(GROUND_TRUTH)) {
            rows.add(JSON.readValue(line, new TypeReference<>() {
            }));
        }
        return rows;
    }

    /** What a model reads off the invoice: the fields of the extract step, the printed total. */
    static Map<String, Object> extracted(Map<String, Object> row) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("supplier", row.get("supplier"));
        for (String name : List.of("invoice_number", "issue_date", "due_date", "currency", "net", "tax_lines", "tax_total", "iban", "line_items")) {
            fields.put(name, row.get(name));
        }
        fields.put("total", row.get("printed_total"));
        return fields;
    }

    private Step step(String options) {
        return StepTestKit.create(new InvoiceCheckStepFactory(), "checks", "from: invoice\ndocument: event.data.attachments[0]\n" + options,
                StepTestKit.environment().withService(register));
    }

    private static StepInvocation invocation(Map<String, Object> row) {
        return StepTestKit.invocation().workflow("invoice-intake").eventId("email-" + row.get("file")).eventType("email.received")
                .data("message_id", "<" + row.get("file") + "@supplier.example>")
                .data("attachments", List.of(Map.of("name", row.get("file"), "extraction", "ok")))
                .step("invoice", extracted(row)).build();
    }

    @Test
    void should_pass_every_clean_invoice_and_fail_each_deliberate_error_with_its_check_when_the_ground_truth_is_checked() throws Exception {
        // given the readable invoices, in the order they arrive
        List<Map<String, Object>> rows = groundTruth().stream()
                .filter(row -> !List.of("encrypted", "image_only", "malformed").contains(String.valueOf(row.get("defect")))).toList();

        // when one batch runs through the checks
        List<StepOutcome> outcomes = step("").run(rows.stream().map(InvoiceCheckStepTest::invocation).toList());

        // then
        Map<String, String> reviewed = new LinkedHashMap<>();
        for (int i = 0; i < rows.size(); i++) {
            Map<String, Object> row = rows.get(i);
            StepOutcome outcome = outcomes.get(i);
            if (row.get("defect") == null) {
                assertThat(outcome).as(row.get("file").toString()).isInstanceOf(StepOutcome.Completed.class);
            } else {
                assertThat(outcome).as(row.get("file").toString()).isInstanceOf(StepOutcome.Review.class);
                reviewed.put(row.get("defect").toString(), ((StepOutcome.Review) outcome).reason());
            }
        }
        assertThat(reviewed).containsOnlyKeys("total_mismatch", "due_before_issue", "bad_iban_checksum", "duplicate_number");
        assertThat(reviewed.get("total_mismatch")).contains("[totals]", "net 700.20 + tax 121.48 = 821.68, but the total is 831.68 (off by 10.00)");
        assertThat(reviewed.get("due_before_issue")).contains("[dates] Due date 2026-09-29 is before the issue date 2026-10-29");
        assertThat(reviewed.get("bad_iban_checksum")).contains("[iban] IBAN DE71700500000012345768 fails the mod-97 check: its check digits "
                + "are 71, the rest of it gives 66");
        assertThat(reviewed.get("duplicate_number")).contains("[duplicate] Invoice BWD-1198 from Brightwater Design Ltd was already accepted",
                "event email-26-brightwater-design-ltd-bwd-1198.pdf", "within 180 days");
    }

    @Test
    void should_output_the_invoice_as_invoice_accepted_carries_it_when_every_check_passes() throws Exception {
        // given
        Map<String, Object> first = groundTruth().get(0);

        // when
        StepOutcome outcome = StepTestKit.run(step(""), invocation(first));

        // then the invoice, with exact amounts, passes the invoice.accepted schema
        StepOutcome.Completed completed = (StepOutcome.Completed) outcome;
        assertThat(completed.output()).containsEntry("passed", true).containsEntry("invoice_key", "fr61834512907/fa-2026-0414");
        @SuppressWarnings("unchecked")
        Map<String, Object> invoice = (Map<String, Object>) completed.output().get("invoice");
        assertThat(invoice).containsEntry("total", "870.00").containsEntry("net", "725.00").containsEntry("tax_total", "145.00")
                .containsEntry("currency", "EUR").containsEntry("iban", "FR6830004012340001234567812");
        assertThat(invoice.get("tax_lines")).isEqualTo(List.of(Map.of("rate", "20", "base", "725.00", "tax", "145.00")));
        assertThat(invoice.get("source")).isEqualTo(Map.of("event_id", "email-01-hebergement-cirrus-sas-fa-2026-0414.pdf",
                "message_id", "<01-hebergement-cirrus-sas-fa-2026-0414.pdf@supplier.example>",
                "attachment", "01-hebergement-cirrus-sas-fa-2026-0414.pdf"));
        String event = JSON.writeValueAsString(Map.of("specversion", "1.0", "id", "x", "source", "/t", "type", "invoice.accepted",
                "datacontenttype", "application/json", "data", invoice));
        assertThat(new EventParser().parse(event.getBytes())).isInstanceOf(EventParser.Accepted.class);
    }

    @Test
    void should_find_a_duplicate_in_the_register_within_the_window_but_not_the_same_event_or_an_old_number() throws Exception {
        // given invoice 26 accepted earlier, as the register holds it
        Map<String, Object> row = groundTruth().get(25);
        String key = "gb284619375/bwd-1198";
        register.entries.put(key, new InvoiceRegister.Entry(key, "BWD-1198", "Brightwater Design Ltd", LocalDate.parse("2026-09-01"),
                "tsk_1", "email-earlier"));
        Step step = step("");

        // when the same invoice comes in again from another email, from the same email, and a year later
        StepOutcome again = StepTestKit.run(step, invocation(row));
        StepOutcome replayed = StepTestKit.run(step(""), StepTestKit.invocation().eventId("email-earlier")
                .data("attachments", List.of(Map.of("name", "a.pdf", "extraction", "ok"))).step("invoice", extracted(row)).build());
        register.entries.put(key, new InvoiceRegister.Entry(key, "BWD-1198", "Brightwater Design Ltd", LocalDate.parse("2025-06-01"),
                "tsk_0", "email-last-year"));
        StepOutcome yearLater = StepTestKit.run(step(""), invocation(row));

        // then
        assertThat(row.get("supplier").toString()).contains("GB284619375");
        assertThat(again).isInstanceOfSatisfying(StepOutcome.Review.class, review ->
                assertThat(review.reason()).contains("[duplicate]", "issue date 2026-09-01, event email-earlier"));
        assertThat(replayed).isInstanceOf(StepOutcome.Completed.class);
        assertThat(yearLater).isInstanceOf(StepOutcome.Completed.class);
    }

    @Test
    void should_send_an_unreadable_attachment_to_review_with_its_reason() {
        // given the encrypted PDF's attachment, as the mail source describes it
        StepInvocation invocation = StepTestKit.invocation().eventId("email-33")
                .data("attachments", List.of(Map.of("name", "33-quill.pdf", "extraction", "encrypted",
                        "reason", "The PDF is encrypted with a password and cannot be read without it")))
                .build();

        // when
        StepOutcome outcome = StepTestKit.run(step(""), invocation);

        // then
        assertThat(outcome).isInstanceOfSatisfying(StepOutcome.Review.class, review -> assertThat(review.reason())
                .isEqualTo("The invoice failed a check: [document] The invoice '33-quill.pdf' could not be read (encrypted): "
                        + "The PDF is encrypted with a password and cannot be read without it"));
    }

    @Test
    void should_fail_retriably_when_the_register_cannot_answer_and_dead_letter_when_on_failure_is_fail() throws Exception {
        // given
        Map<String, Object> row = groundTruth().get(0);
        register.unavailable = true;
        StepOutcome unavailable = StepTestKit.run(step(""), invocation(row));
        register.unavailable = false;
        Map<String, Object> wrongTotal = new LinkedHashMap<>(row);
        wrongTotal.put("printed_total", "999.00");

        // when
        StepOutcome failed = StepTestKit.run(step("on_failure: fail"), invocation(wrongTotal));

        // then
        assertThat(unavailable).isInstanceOfSatisfying(StepOutcome.Failed.class, f -> assertThat(f.retriable()).isTrue());
        assertThat(failed).isInstanceOfSatisfying(StepOutcome.Failed.class, f -> {
            assertThat(f.retriable()).isFalse();
            assertThat(f.reason()).contains("[totals]", "but the total is 999.00");
        });
    }

    @Test
    void should_report_unknown_checks_when_the_options_are_checked() {
        // when
        List<String> problems = StepTestKit.check(new InvoiceCheckStepFactory(), "from: invoice\nchecks: [totals, vat_rate]",
                StepTestKit.environment()).stream().map(problem -> problem.message("steps[1].invoice.check")).toList();

        // then
        assertThat(problems).singleElement().asString().contains("Unknown check at steps[1].invoice.check.checks[1]", "'vat_rate'",
                "[fields, currency, totals, tax, dates, iban, duplicate]");
    }
}
