package dev.switchboard.workflows.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code switchboard demo sales} as a test: offline, every call filed once in its CRM, the simulator named. */
class SalesDemoIT {

    @TempDir
    Path dir;

    @Test
    void should_file_each_call_once_in_its_crm_when_the_sales_demo_runs() throws Exception {
        // given
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        // when
        SalesDemo.Summary summary = SalesDemo.run(dir, new PrintStream(printed, true, StandardCharsets.UTF_8), Duration.ofMinutes(4));

        // then every call of the sample (23 HubSpot, 15 Salesforce, 14 Pipedrive) has one note and one email task in its CRM,
        // the redelivered calls were dropped, and every next step of the sample became one task
        assertThat(summary.calls()).isEqualTo(52);
        assertThat(summary.dropped()).isEqualTo(SalesDemo.REDELIVERED);
        assertThat(summary.records().get("hubspot-call-notes")).hasSize(23);
        assertThat(summary.records().get("salesforce-call-log")).hasSize(15);
        assertThat(summary.records().get("pipedrive-call-log")).hasSize(14);
        assertThat(emails(summary.records().get("hubspot-tasks"))).isEqualTo(23);
        assertThat(emails(summary.records().get("salesforce-tasks"))).isEqualTo(15);
        assertThat(emails(summary.records().get("pipedrive-activities"))).isEqualTo(14);
        assertThat(summary.nextSteps()).isEqualTo(summary.expectedNextSteps()).isGreaterThan(52);
        assertThat(summary.records().values().stream().flatMap(List::stream).map(task -> task.path("id").asText()))
                .doesNotHaveDuplicates();
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("built-in simulator", "preset: deepseek", "duplicates dropped: 3");
    }

    private static long emails(List<JsonNode> tasks) {
        return tasks.stream().filter(task -> task.path("step").asText().endsWith("-follow-up-email")).count();
    }
}
