package dev.switchboard.workflows.runtime;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.util.RawValue;
import dev.switchboard.schemas.spi.StepOutcome;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Writes one trace record per step an event went through, once its outcome is final (not a
 * retriable failure that will be tried again): completed with the step's output, held for review or
 * failed with the reason. Keyed by event id with the id in a header too, so {@code switchboard
 * explain} finds an event's path without parsing other events' records. An output larger than
 * {@value #MAX_OUTPUT_BYTES} bytes is replaced by its size: the trace says what happened, the tasks
 * and reviews keep the data.
 */
public record StepTraceListener(String traceTopic) implements StepListener {

    /** The header that carries the event id on trace records. */
    public static final String EVENT_ID = "switchboard.event.id";
    static final int MAX_OUTPUT_BYTES = 16 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    public void afterStep(StepAttempt attempt, List<StepResult> results, Outputs out) {
        for (StepResult result : results) {
            if (!result.retried()) {
                out.add(record(attempt, result), result.run().input());
            }
        }
    }

    private ProducerRecord<byte[], byte[]> record(StepAttempt attempt, StepResult result) {
        Map<String, Object> trace = new LinkedHashMap<>();
        trace.put("workflow", attempt.workflow());
        trace.put("step", attempt.stepId());
        trace.put("step_type", attempt.stepType());
        trace.put("event_id", result.run().eventId());
        trace.put("attempt", attempt.attempt());
        StepOutcome outcome = result.outcome();
        if (outcome instanceof StepOutcome.Completed completed) {
            trace.put("outcome", "completed");
            output(trace, completed.output());
        } else if (outcome instanceof StepOutcome.Review review) {
            trace.put("outcome", "review");
            trace.put("reason", review.reason());
        } else if (outcome instanceof StepOutcome.Failed failed) {
            trace.put("outcome", "failed");
            trace.put("retriable", failed.retriable());
            trace.put("reason", failed.reason());
        }
        trace.put("model_calls", outcome.calls().size());
        trace.put("time", Instant.now().toString());
        byte[] eventId = result.run().eventId().getBytes(StandardCharsets.UTF_8);
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(traceTopic, null, eventId, json(trace));
        record.headers().add(EVENT_ID, eventId).add("switchboard.workflow", attempt.workflow().getBytes(StandardCharsets.UTF_8));
        return record;
    }

    private static void output(Map<String, Object> trace, Map<String, Object> output) {
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(output);
        } catch (JsonProcessingException e) {
            trace.put("output_error", e.getOriginalMessage()); // the trace never stops a batch
            return;
        }
        if (bytes.length > MAX_OUTPUT_BYTES) {
            trace.put("output_bytes", bytes.length);
        } else {
            trace.put("output", new RawValue(new String(bytes, StandardCharsets.UTF_8))); // written once, measured and kept
        }
    }

    private static byte[] json(Object value) {
        try {
            return JSON.writeValueAsBytes(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A trace record could not be written as JSON", e);
        }
    }
}
