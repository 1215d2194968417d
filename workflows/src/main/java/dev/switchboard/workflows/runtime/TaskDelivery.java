package dev.switchboard.workflows.runtime;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.schemas.Task;
import dev.switchboard.schemas.spi.DeliveryResult;
import dev.switchboard.schemas.spi.TaskSink;
import dev.switchboard.workflows.config.DeliverySettings;
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
import java.util.function.BooleanSupplier;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delivery stage: reads the tasks topic (the outbox) and sends each task to its sink, with
 * retries and backoff (honouring {@code Retry-After}) and then the dead-letter topic. It is separate
 * from the workflows so that a slow CRM never stalls the model steps, and a failed delivery is
 * retried without calling the model again. Offsets are committed after the batch's receipts and
 * dead letters are acknowledged; a crash before that re-sends, and the sink drops the copy by its
 * idempotency key (the task id).
 */
public final class TaskDelivery extends RouteBuilder implements AutoCloseable {

    public static final String ROUTE_ID = "delivery";
    public static final String GROUP_ID = "switchboard.delivery";
    private static final Logger LOG = LoggerFactory.getLogger(TaskDelivery.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String tasksTopic;
    private final String deadLetterTopic;
    private final String deliveriesTopic;
    private final Map<String, TaskSink> sinks;
    private final DeliverySettings settings;
    private final OutputWriter writer;
    private final BooleanSupplier running;
    private final ExecutorService pool;
    private final Map<String, Long> counters = new ConcurrentHashMap<>();
    private final RunObserver observer;
    private final Tracing tracing;

    public TaskDelivery(String tasksTopic, String deadLetterTopic, String deliveriesTopic, Map<String, TaskSink> sinks,
                        DeliverySettings settings, OutputWriter writer, BooleanSupplier running, int parallelism) {
        this(tasksTopic, deadLetterTopic, deliveriesTopic, sinks, settings, writer, running, parallelism, RunObserver.NONE);
    }

    public TaskDelivery(String tasksTopic, String deadLetterTopic, String deliveriesTopic, Map<String, TaskSink> sinks,
                        DeliverySettings settings, OutputWriter writer, BooleanSupplier running, int parallelism,
                        RunObserver observer) {
        this(tasksTopic, deadLetterTopic, deliveriesTopic, sinks, settings, writer, running, parallelism, observer, Tracing.noop());
    }

    public TaskDelivery(String tasksTopic, String deadLetterTopic, String deliveriesTopic, Map<String, TaskSink> sinks,
                        DeliverySettings settings, OutputWriter writer, BooleanSupplier running, int parallelism,
                        RunObserver observer, Tracing tracing) {
        this.observer = observer;
        this.tracing = tracing;
        this.tasksTopic = tasksTopic;
        this.deadLetterTopic = deadLetterTopic;
        this.deliveriesTopic = deliveriesTopic;
        this.sinks = Map.copyOf(sinks);
        this.settings = settings;
        this.writer = writer;
        this.running = running;
        this.pool = Executors.newFixedThreadPool(parallelism, runnable -> {
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
        from(KafkaEndpoints.batchConsumer(tasksTopic, GROUP_ID, "earliest", 200))
                .routeId(ROUTE_ID)
                .process(this::process);
    }

    private void process(Exchange batch) throws Exception {
        List<Exchange> exchanges = KafkaBatch.exchanges(batch);
        if (exchanges.isEmpty()) {
            return;
        }
        List<InputRecord> inputs = KafkaBatch.inputs(exchanges);
        List<Future<List<ProducerRecord<byte[], byte[]>>>> futures = new ArrayList<>(inputs.size());
        for (InputRecord input : inputs) {
            futures.add(pool.submit(() -> deliver(input)));
        }
        List<ProducerRecord<byte[], byte[]>> outputs = new ArrayList<>();
        for (Future<List<ProducerRecord<byte[], byte[]>>> future : futures) {
            outputs.addAll(future.get());
        }
        writer.writeAll(outputs, running);
        KafkaBatch.commit(exchanges);
    }

    /** Delivers one task; returns its receipt and, when it failed for good, its dead letter. */
    List<ProducerRecord<byte[], byte[]>> deliver(InputRecord input) {
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
        io.opentelemetry.api.trace.Span span = tracing.start("deliver " + sink.name(), io.opentelemetry.api.trace.SpanKind.PRODUCER,
                Tracing.parent(input.headers(), null), Map.of("switchboard.sink", sink.name(), "switchboard.task.id", task.id(),
                        "switchboard.workflow", task.workflow() == null ? "" : task.workflow()));
        try {
            List<ProducerRecord<byte[], byte[]>> outputs = deliver(input, task, sink, io.opentelemetry.context.Context.root().with(span));
            boolean deadLettered = outputs.stream().anyMatch(record -> record.topic().equals(deadLetterTopic));
            if (deadLettered) {
                span.setStatus(io.opentelemetry.api.trace.StatusCode.ERROR, "dead-lettered");
            }
            return outputs;
        } finally {
            span.end();
        }
    }

    private List<ProducerRecord<byte[], byte[]>> deliver(InputRecord input, Task task, TaskSink sink, io.opentelemetry.context.Context trace) {
        String traceparent = Tracing.traceparent(trace);
        int max = settings.maxAttempts();
        String lastReason = "";
        for (int attempt = 1; attempt <= max; attempt++) {
            count("attempts");
            DeliveryResult result;
            long started = System.nanoTime();
            try {
                result = sink.deliver(task, new dev.switchboard.schemas.spi.DeliveryContext(traceparent, attempt));
            } catch (RuntimeException e) {
                result = new DeliveryResult.Retry(e.getClass().getSimpleName() + ": " + e.getMessage(), null);
            }
            observer.deliveryAttempt(sink.name(), result instanceof DeliveryResult.Delivered ? "delivered"
                    : result instanceof DeliveryResult.Rejected ? "rejected" : "retry", System.nanoTime() - started);
            if (result instanceof DeliveryResult.Delivered delivered) {
                count("delivered");
                observer.delivery(sink.name(), "delivered");
                return List.of(receipt(task, "delivered", attempt, delivered.detail()));
            }
            if (result instanceof DeliveryResult.Rejected rejected) {
                observer.delivery(sink.name(), "dead_lettered");
                return List.of(deadLetter(input, "Sink '" + sink.name() + "' rejected task " + task.id() + ": " + rejected.reason()),
                        receipt(task, "dead_lettered", attempt, rejected.reason()));
            }
            DeliveryResult.Retry retry = (DeliveryResult.Retry) result;
            lastReason = retry.reason();
            if (attempt < max) {
                if (!running.getAsBoolean()) {
                    throw new IllegalStateException("Stopping during delivery of " + task.id() + "; it will be retried after restart");
                }
                count("retries");
                Duration wait = settings.backoff(attempt, retry.retryAfter());
                LOG.debug("Delivery of {} to {} failed (attempt {}): {}; next try in {} ms", task.id(), sink.name(), attempt, retry.reason(), wait.toMillis());
                sleep(wait);
            }
        }
        observer.delivery(sink.name(), "dead_lettered");
        return List.of(deadLetter(input, "Sink '" + sink.name() + "' failed " + max + " attempts for task " + task.id() + ": " + lastReason),
                receipt(task, "dead_lettered", max, lastReason));
    }

    private ProducerRecord<byte[], byte[]> deadLetter(InputRecord input, String reason) {
        count("dead_letters");
        return DeadLetters.record(deadLetterTopic, input, "delivery", null, reason);
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
            return new ProducerRecord<>(deliveriesTopic, task.id().getBytes(StandardCharsets.UTF_8), JSON.writeValueAsBytes(receipt));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private void count(String name) {
        counters.merge(name, 1L, Long::sum);
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis()); // backoff between delivery attempts
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted during backoff", e);
        }
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
