package dev.switchboard.workflows.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.schemas.spi.StepOutcome;
import dev.switchboard.workflows.model.StepSpec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** The step trace: one record per final step outcome, keyed by event id, never for an attempt that will be retried. */
class StepTraceListenerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void should_trace_each_final_outcome_with_output_or_reason_when_a_step_ran() throws Exception {
        // given four events through one step: completed, held, failed for good, and failed to be tried again
        StepAttempt attempt = new StepAttempt("triage", new StepSpec("classify-it", null, "classify", null, null, 1), 2,
                List.of(run("e1"), run("e2"), run("e3"), run("e4")), 0);
        List<StepResult> results = List.of(
                new StepResult(run("e1"), StepOutcome.Completed.of(Map.of("label", "billing", "confidence", 0.93)), false),
                new StepResult(run("e2"), new StepOutcome.Review("below min_confidence", List.of(), List.of()), false),
                new StepResult(run("e3"), StepOutcome.Failed.permanent("Invalid output"), false),
                new StepResult(run("e4"), StepOutcome.Failed.retriable("HTTP 503"), true),
                new StepResult(run("e5"), StepOutcome.Completed.of(Map.of("summary", "x".repeat(StepTraceListener.MAX_OUTPUT_BYTES))), false));
        Outputs out = new Outputs();

        // when
        new StepTraceListener("trace").afterStep(attempt, results, out);

        // then
        List<ProducerRecord<byte[], byte[]>> records = out.records();
        assertThat(records).extracting(record -> new String(record.key(), StandardCharsets.UTF_8)).containsExactly("e1", "e2", "e3", "e5");
        assertThat(records).allSatisfy(record -> {
            assertThat(record.topic()).isEqualTo("trace");
            assertThat(new String(record.headers().lastHeader(StepTraceListener.EVENT_ID).value(), StandardCharsets.UTF_8))
                    .isEqualTo(new String(record.key(), StandardCharsets.UTF_8));
        });
        JsonNode completed = JSON.readTree(records.get(0).value());
        assertThat(completed.path("workflow").asText()).isEqualTo("triage");
        assertThat(completed.path("step").asText()).isEqualTo("classify-it");
        assertThat(completed.path("step_type").asText()).isEqualTo("classify");
        assertThat(completed.path("attempt").asInt()).isEqualTo(2);
        assertThat(completed.path("outcome").asText()).isEqualTo("completed");
        assertThat(completed.path("output").path("label").asText()).isEqualTo("billing");
        assertThat(JSON.readTree(records.get(1).value()).path("outcome").asText()).isEqualTo("review");
        assertThat(JSON.readTree(records.get(1).value()).path("reason").asText()).isEqualTo("below min_confidence");
        assertThat(JSON.readTree(records.get(2).value()).path("outcome").asText()).isEqualTo("failed");
        assertThat(JSON.readTree(records.get(2).value()).path("reason").asText()).isEqualTo("Invalid output");
        JsonNode large = JSON.readTree(records.get(3).value());
        assertThat(large.has("output")).isFalse();
        assertThat(large.path("output_bytes").asInt()).isGreaterThan(StepTraceListener.MAX_OUTPUT_BYTES);
    }

    private static EventRun run(String id) {
        return new EventRun("triage", new InputRecord("events", 0, 0, null, new byte[0], null), id, "ticket.created",
                Map.of("id", id, "type", "ticket.created"));
    }
}
