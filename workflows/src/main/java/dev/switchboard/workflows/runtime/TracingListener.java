package dev.switchboard.workflows.runtime;

import dev.switchboard.schemas.spi.StepOutcome;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Traces a workflow's events with OpenTelemetry: a span per event (continuing the trace the event
 * came with), a span per step attempt under it, a span per model call under the step, and the
 * event's {@code traceparent} on the records of its tasks, so delivery continues the same trace.
 */
public record TracingListener(Tracing tracing) implements StepListener {

    private static final Object EVENT_SPAN = new Object();
    private static final Object EVENT_CONTEXT = new Object();
    private static final Object STEP_SPAN = new Object();
    private static final int MAX_STATUS = 200;

    @Override
    public void eventStarted(EventRun run) {
        Span span = tracing.start("workflow " + run.workflow(), SpanKind.CONSUMER,
                Tracing.parent(run.input().headers(), run.event().get("traceparent")),
                Map.of("switchboard.workflow", run.workflow(), "cloudevents.event_id", run.eventId(),
                        "cloudevents.event_type", run.eventType(), "messaging.destination.name", run.input().topic()));
        run.attributes().put(EVENT_SPAN, span);
        run.attributes().put(EVENT_CONTEXT, Context.root().with(span));
    }

    @Override
    public void eventEnded(EventRun run, EventEnd end, List<ProducerRecord<byte[], byte[]>> tasks) {
        Span span = (Span) run.attributes().remove(EVENT_SPAN);
        Context context = (Context) run.attributes().remove(EVENT_CONTEXT);
        if (span == null) {
            return;
        }
        switch (end) {
            case SKIPPED -> span.setAttribute("switchboard.outcome", "skipped");
            case FAILED, REVIEW -> span.setStatus(StatusCode.ERROR, "dead-lettered");
            case DONE -> {
                String traceparent = Tracing.traceparent(context);
                if (traceparent != null) {
                    tasks.forEach(task -> task.headers().add(Tracing.HEADER, traceparent.getBytes(StandardCharsets.UTF_8)));
                }
                span.setAttribute("switchboard.tasks", tasks.size());
            }
        }
        span.end();
    }

    @Override
    public void beforeStep(StepAttempt attempt) {
        for (EventRun run : attempt.runs()) {
            run.attributes().put(STEP_SPAN, tracing.start("step " + attempt.stepId(), SpanKind.INTERNAL, context(run),
                    Map.of("switchboard.step", attempt.stepId(), "switchboard.step.type", attempt.stepType(),
                            "switchboard.attempt", Integer.toString(attempt.attempt()))));
        }
    }

    @Override
    public void onError(StepAttempt attempt, EventRun run, RuntimeException error) {
        if (run.attributes().get(STEP_SPAN) instanceof Span span) {
            span.recordException(error);
        }
    }

    @Override
    public void afterStep(StepAttempt attempt, List<StepResult> results, Outputs out) {
        for (StepResult result : results) {
            if (!(result.run().attributes().remove(STEP_SPAN) instanceof Span span)) {
                continue;
            }
            Context stepContext = context(result.run()).with(span);
            result.outcome().calls().forEach(call -> tracing.modelCall(stepContext, call));
            if (result.outcome() instanceof StepOutcome.Failed failed) {
                String reason = failed.reason();
                span.setStatus(StatusCode.ERROR, reason.length() > MAX_STATUS ? reason.substring(0, MAX_STATUS) : reason);
            }
            span.end();
        }
    }

    private static Context context(EventRun run) {
        return run.attributes().get(EVENT_CONTEXT) instanceof Context context ? context : Context.root();
    }
}
