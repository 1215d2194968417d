package dev.switchboard.workflows.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.schemas.Task;
import dev.switchboard.schemas.spi.DeliveryContext;
import dev.switchboard.schemas.spi.DeliveryResult;
import dev.switchboard.schemas.spi.TaskSink;
import dev.switchboard.workflows.config.Topics;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Context;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Makes one attempt at delivering a task and decides what becomes of it: a receipt when the sink took
 * it; the dead letter and its receipt when the sink refused it for good or its last attempt failed;
 * otherwise the record that holds it on a retry topic until its next attempt, by its sink's
 * {@link RetryPolicy}. It never waits: the delivery consumer and the retry stage share it, and
 * neither blocks the tasks behind a failing one.
 */
final class TaskSender {

    private static final Logger LOG = LoggerFactory.getLogger(TaskSender.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_LOGGED_ERROR = 300;

    private final Topics topics;
    private final Map<String, TaskSink> sinks;
    private final Function<String, RetryPolicy> policies;
    private final RetryTopics retries;
    private final StageContext stage;
    private final Clock clock;
    private final Map<String, Long> counters = new ConcurrentHashMap<>();

    /** @param policies the retry policy of each sink, by sink name */
    TaskSender(Topics topics, Map<String, TaskSink> sinks, Function<String, RetryPolicy> policies, StageContext stage, Clock clock) {
        this.topics = topics;
        this.sinks = Map.copyOf(sinks);
        this.policies = policies;
        this.retries = new RetryTopics(topics.tasks());
        this.stage = stage;
        this.clock = clock;
    }

    /** The topics it reads and writes, its stage and its clock, which the first-attempt route and the retry stage share. */
    Topics topics() {
        return topics;
    }

    StageContext stage() {
        return stage;
    }

    Clock clock() {
        return clock;
    }

    /** Counts: delivered, dead_letters, attempts, retries (attempts scheduled on a retry topic). */
    Map<String, Long> counters() {
        return Map.copyOf(counters);
    }

    RetryTopics retryTopics() {
        return retries;
    }

    /**
     * Attempt number {@code attempt} at a task.
     *
     * @param origin the task as read from the tasks topic: its coordinates name it in a dead letter, so a
     *               re-drive sends it back there
     */
    List<ProducerRecord<byte[], byte[]>> attempt(InputRecord origin, int attempt) {
        Task task;
        try {
            task = JSON.readValue(origin.value(), Task.class);
        } catch (Exception e) {
            return List.of(deadLetter(origin, null, null, attempt, "Not a task: " + e.getMessage()));
        }
        TaskSink sink = sinks.get(task.sink());
        if (sink == null) {
            return List.of(deadLetter(origin, task, task.sink(), 0, "Unknown sink '" + task.sink() + "': configured sinks are "
                    + sinks.keySet() + ". Declare it under sinks: and re-drive this record"), receipt(task, "dead_lettered", 0, "unknown sink"));
        }
        Span span = stage.tracing().start("deliver " + sink.name(), SpanKind.PRODUCER, Tracing.parent(origin.headers(), null),
                Map.of("switchboard.sink", sink.name(), "switchboard.task.id", task.id(),
                        "switchboard.workflow", task.workflow() == null ? "" : task.workflow()));
        try {
            List<ProducerRecord<byte[], byte[]>> outputs = send(origin, task, sink, attempt, Tracing.traceparent(Context.root().with(span)));
            if (outputs.stream().anyMatch(record -> record.topic().equals(topics.deadLetter()))) {
                span.setStatus(StatusCode.ERROR, "dead-lettered");
            }
            return outputs;
        } finally {
            span.end();
        }
    }

    private List<ProducerRecord<byte[], byte[]>> send(InputRecord origin, Task task, TaskSink sink, int attempt, String traceparent) {
        count("attempts");
        DeliveryResult result;
        long started = System.nanoTime();
        try {
            result = sink.deliver(task, new DeliveryContext(traceparent, attempt));
        } catch (RuntimeException e) {
            result = new DeliveryResult.Retry(e.getClass().getSimpleName() + ": " + e.getMessage(), null);
        }
        stage.observer().deliveryAttempt(sink.name(), result instanceof DeliveryResult.Delivered ? "delivered"
                : result instanceof DeliveryResult.Rejected ? "rejected" : "retry", System.nanoTime() - started);
        if (result instanceof DeliveryResult.Delivered delivered) {
            count("delivered");
            stage.observer().delivery(sink.name(), "delivered");
            return List.of(receipt(task, "delivered", attempt, delivered.detail()));
        }
        if (result instanceof DeliveryResult.Rejected rejected) {
            stage.observer().delivery(sink.name(), "dead_lettered");
            return List.of(deadLetter(origin, task, sink.name(), attempt, "Sink '" + sink.name() + "' rejected task " + task.id() + ": "
                    + rejected.reason()), receipt(task, "dead_lettered", attempt, rejected.reason()));
        }
        DeliveryResult.Retry retry = (DeliveryResult.Retry) result;
        RetryPolicy policy = policies.apply(sink.name());
        if (policy.retriesAfter(attempt)) {
            Duration wait = policy.delay(attempt, retry.retryAfter());
            Instant now = clock.instant();
            LOG.debug("Delivery of {} to {} failed (attempt {}): {}; next try in {} ms", task.id(), sink.name(), attempt, retry.reason(),
                    wait.toMillis());
            count("retries");
            stage.observer().delivery(sink.name(), "retry_scheduled");
            return List.of(retries.hold(origin, attempt, now.plus(wait), retry.reason(), now));
        }
        stage.observer().delivery(sink.name(), "dead_lettered");
        return List.of(deadLetter(origin, task, sink.name(), attempt, "Sink '" + sink.name() + "' failed " + attempt + " attempts for task "
                + task.id() + ": " + retry.reason()), receipt(task, "dead_lettered", attempt, retry.reason()));
    }

    /** The dead letter, and one log line that says which task of which sink, after how many attempts, and why. */
    private ProducerRecord<byte[], byte[]> deadLetter(InputRecord origin, Task task, String sink, int attempts, String reason) {
        count("dead_letters");
        if (LOG.isWarnEnabled()) {
            String shown = reason.length() > MAX_LOGGED_ERROR ? reason.substring(0, MAX_LOGGED_ERROR) + "…" : reason;
            try (var s = MDC.putCloseable("sink", sink == null ? "" : sink);
                 var t = MDC.putCloseable("task_id", task == null ? "" : task.id());
                 var r = MDC.putCloseable("trace_id", origin.traceId())) {
                LOG.warn("Dead-lettered delivery: sink {}, task {}, {} attempt(s): {}", sink == null ? "?" : sink,
                        task == null ? origin.topic() + "/" + origin.partition() + "/" + origin.offset() : task.id(), attempts, shown);
            }
        }
        return DeadLetters.record(topics.deadLetter(), origin, "delivery", null, reason);
    }

    private ProducerRecord<byte[], byte[]> receipt(Task task, String outcome, int attempts, String detail) {
        Map<String, Object> receipt = new LinkedHashMap<>();
        receipt.put("task_id", task.id());
        receipt.put("workflow", task.workflow());
        receipt.put("sink", task.sink());
        receipt.put("event_id", task.eventId());
        receipt.put("outcome", outcome);
        receipt.put("attempts", attempts);
        receipt.put("detail", detail);
        receipt.put("time", clock.instant().toString());
        receipt.put("label", task.fields().get("label"));
        try {
            return new ProducerRecord<>(topics.deliveries(), task.id().getBytes(StandardCharsets.UTF_8), JSON.writeValueAsBytes(receipt));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void count(String name) {
        counters.merge(name, 1L, Long::sum);
    }
}
