package dev.switchboard.workflows.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code switchboard demo finance} as a test: offline, the sample statement reconciled as expected, reminders sent, summary printed. */
class FinanceDemoIT {

    @TempDir
    Path dir;

    @Test
    void should_reconcile_the_sample_statement_as_expected_and_remind_overdue_customers_when_the_finance_demo_runs() throws Exception {
        // given
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        // when
        FinanceDemo.Summary summary = FinanceDemo.run(dir, new PrintStream(printed, true, StandardCharsets.UTF_8), Duration.ofMinutes(4));

        // then every invoice was opened, and the statement settled and left unmatched what expected-matches.jsonl says
        assertThat(summary.invoices()).isEqualTo(60);
        assertThat(summary.paid() + summary.partiallyPaid()).isEqualTo(summary.expectedSettlements()).isEqualTo(42);
        assertThat(summary.partiallyPaid()).isEqualTo(6);
        assertThat(summary.unmatched()).isEqualTo(summary.expectedUnmatched()).isEqualTo(6);
        // each unmatched payment is one finance task; each overdue customer invoice one reminder at its latest stage
        assertThat(summary.tasksPerWorkflow()).containsEntry("unmatched-payments", 6L);
        assertThat(summary.remindersPerStage().values().stream().mapToLong(Long::longValue).sum())
                .isEqualTo(FinanceDemo.expected(dir.resolve("examples"), Files.readString(dir.resolve("examples/data/invoices/issued.jsonl")))
                        .reminders());
        // drafted by the model (the simulator), not the fallback template
        assertThat(summary.draftedBy().keySet()).containsOnly("fast");
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("invoices paid", "payments unmatched", "payment reminders");
    }
}
