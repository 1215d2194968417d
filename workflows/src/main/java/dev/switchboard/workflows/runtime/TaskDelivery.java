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
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery stage's route: reads the tasks topic (the outbox) and sends each task to its sink,
 * retrying by the delivery {@link RetryPolicy} (honouring {@code Retry-After}) within the batch's
 * {@link WaitBudget}, and then to the dead-letter topic. It is separate from the workflows so that a
 * slow CRM never stalls the model steps, and a failed delivery is retried without calling the model
 * again. Offsets are committed after the batch's receipts and dead letters are acknowledged; a crash
 * before that re-sends, and the sink drops the copy by its idempotency key (the task id).
 */
public final class TaskDelivery extends RouteBuilder implements AutoCloseable {

    public static final String ROUTE_ID = "delivery";
    public static final String GROUP_ID = "switchboard.delivery";
    /** Tasks of a batch delivered at the same time. */
    static final int PARALLELISM = 8;
    private static final int MAX_POLL_RECORDS = 200;
    private static final Logger LOG = LoggerFactory.getLogger(TaskDelivery.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Topics topics;
    private final Map<String, TaskSink> sinks;
    private final Retries retries;
    private final StageContext stage;
    private final ExecutorService pool;
    private final Map<String, Long> counters = new ConcurrentHashMap<>();

    TaskDelivery(Topics topics, Map<String, TaskSink> sinks, Retries retries, StageContext stage) {
        this.topics = topics;
        this.sinks = Map.copyOf(sinks);
        this.retries = retries;
        this.stage = stage;
        this.pool = Executors.newFixedThreadPool(PARALLELISM, runnable -> {
            Thread thread = new Thread(runnable, "switchboard-delivery");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Counts: delivered, dead_letters, attempts, retries. */
    public Map<String, Long> counters() {
        return Map.copyOf(counters);
    }

    @Override
    public void configure() {
        from(KafkaEndpoints.batchConsumer(topics.tasks(), GROUP_ID, "earliest", MAX_POLL_RECORDS))
                .routeId(ROUTE_ID)
                .process(this::process);
    }

    private void process(Exchange batch) throws Exception {
        List<Exchange> exchanges = KafkaBatch.exchanges(batch);
        if (exchanges.isEmpty()) {
            return;
        }
        WaitBudget budget = retries.startBatch();
        List<Future<List<ProducerRecord<byte[], byte[]>>>> futures = new ArrayList<>(exchanges.size());
        for (InputRecord input : KafkaBatch.inputs(exchanges)) {
            futures.add(pool.submit(() -> deliver(input, budget)));
        }
        List<ProducerRecord<byte[], byte[]>> outputs = new ArrayList<>();
        for (Future<List<ProducerRecord<byte[], byte[]>>> future : futures) {
            outputs.addAll(future.get());
        }
        stage.writer().writeAll(outputs, stage.running());
        KafkaBatch.commit(exchanges);
    }

    /** Delivers one task; returns its receipt and, when it failed for good, its dead letter. */
    List<ProducerRecord<byte[], byte[]>> deliver(InputRecord input, WaitBudget budget) {
        Task task;
        try {
            task = JSON.readValue(input.value(), Task.class);
        } catch (Exception e) {
            return List.of(deadLetter(input, "Not a task: " + e.getMessage()));
        }
        TaskSink sink = sinks.get(task.sink());
        if (sink == null) {
            return List.of(deadLetter(input, "Unknown sink '" + task.sink() + "': configured sinks are "
                    + sinks.keySet() + ". Declare it under sinks: and re-drive this record"),
                    receipt(task, "dead_lettered", 0, "unknown sink"));
        }
        Span span = stage.tracing().start("deliver " + sink.name(), SpanKind.PRODUCER, Tracing.parent(input.headers(), null),
                Map.of("switchboard.sink", sink.name(), "switchboard.task.id", task.id(),
                        "switchboard.workflow", task.workflow() == null ? "" : task.workflow()));
        try {
            List<ProducerRecord<byte[], byte[]>> outputs = attempts(input, task, sink, Tracing.traceparent(Context.root().with(span)), budget);
            if (outputs.stream().anyMatch(record -> record.topic().equals(topics.deadLetter()))) {
                span.setStatus(StatusCode.ERROR, "dead-lettered");
            }
            return outputs;
        } finally {
            span.end();
        }
    }

    private List<ProducerRecord<byte[], byte[]>> attempts(InputRecord input, Task task, TaskSink sink, String traceparent, WaitBudget budget) {
        for (int attempt = 1; ; attempt++) {
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
                return List.of(deadLetter(input, "Sink '" + sink.name() + "' rejected task " + task.id() + ": " + rejected.reason()),
                        receipt(task, "dead_lettered", attempt, rejected.reason()));
            }
            DeliveryResult.Retry retry = (DeliveryResult.Retry) result;
            String why = null;
            if (retries.policy().retriesAfter(attempt)) {
                if (!stage.running().getAsBoolean()) {
                    throw new IllegalStateException("Stopping during delivery of " + task.id() + "; it will be retried after restart");
                }
                Duration wait = retries.policy().delay(attempt, retry.retryAfter());
                LOG.debug("Delivery of {} to {} failed (attempt {}): {}; next try in {} ms", task.id(), sink.name(), attempt, retry.reason(), wait.toMillis());
                if (budget.allows(wait)) {
                    count("retries");
                    budget.await(wait);
                    continue;
                }
                why = " (no further attempt: its wait would pass the batch's limit of " + retries.batchWaitLimit().toSeconds() + " s)";
            }
            stage.observer().delivery(sink.name(), "dead_lettered");
            return List.of(deadLetter(input, "Sink '" + sink.name() + "' failed " + attempt + " attempts for task " + task.id()
                            + (why == null ? "" : why) + ": " + retry.reason()),
                    receipt(task, "dead_lettered", attempt, retry.reason()));
        }
    }

    private ProducerRecord<byte[], byte[]> deadLetter(InputRecord input, String reason) {
        count("dead_letters");
        return DeadLetters.record(topics.deadLetter(), input, "delivery", null, reason);
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
        receipt.put("time", Instant.now().toString());
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

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
