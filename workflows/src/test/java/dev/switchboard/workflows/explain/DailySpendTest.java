package dev.switchboard.workflows.explain;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** Spend per UTC day, workflow and model, summed from audit records. */
class DailySpendTest {

    @Test
    void should_sum_calls_tokens_and_cost_per_day_workflow_and_model_when_audit_records_are_read() {
        // given calls of two workflows on two days, and a record that is no audit record
        DailySpend spend = new DailySpend();
        spend.add(Instant.parse("2026-12-03T23:59:59Z"), call("triage", "sim", "qwen", 100, 10, 0.25));
        spend.add(Instant.parse("2026-12-04T00:00:01Z"), call("triage", "sim", "qwen", 200, 20, 0.50));
        spend.add(Instant.parse("2026-12-04T08:00:00Z"), call("triage", "sim", "qwen", 300, 30, 0.75));
        spend.add(Instant.parse("2026-12-04T09:00:00Z"), call("invoices", "deepseek", "chat", 50, 5, 0.125));
        spend.add(Instant.parse("2026-12-04T09:00:00Z"), "not json".getBytes(StandardCharsets.UTF_8));

        // then each day, workflow and model has its own row, newest day first
        assertThat(spend.rows()).containsExactly(
                new DailySpend.Row(LocalDate.parse("2026-12-04"), "invoices", "deepseek/chat", 1, 50, 5, 0.125),
                new DailySpend.Row(LocalDate.parse("2026-12-04"), "triage", "sim/qwen", 2, 500, 50, 1.25),
                new DailySpend.Row(LocalDate.parse("2026-12-03"), "triage", "sim/qwen", 1, 100, 10, 0.25));
    }

    private static byte[] call(String workflow, String provider, String model, long in, long out, double cost) {
        return ("{\"workflow\":\"%s\",\"step\":\"triage\",\"event_id\":\"e\",\"provider\":\"%s\",\"model\":\"%s\",\"tokens_in\":%d,"
                + "\"tokens_out\":%d,\"cost_usd\":%s,\"outcome\":\"ok\"}").formatted(workflow, provider, model, in, out, cost)
                .getBytes(StandardCharsets.UTF_8);
    }
}
