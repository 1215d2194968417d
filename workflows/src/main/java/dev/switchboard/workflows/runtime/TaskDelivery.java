package dev.switchboard.workflows.runtime;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The delivery stage's route: reads the tasks topic (the outbox) and makes each task's first attempt
 * ({@link TaskSender}). A task its sink asks to retry leaves this path for a retry topic, where
 * {@link RetryStage} tries it again when due, so a failing sink never holds up the tasks behind it.
 * It is separate from the workflows so that a slow CRM never stalls the model steps, and a failed
 * delivery is retried without calling the model again. Offsets are committed after the batch's
 * receipts, retry records and dead letters are acknowledged; a crash before that re-sends, and the
 * sink drops the copy by its idempotency key (the task id).
 */
public final class TaskDelivery extends RouteBuilder implements AutoCloseable {

    public static final String ROUTE_ID = "delivery";
    public static final String GROUP_ID = "switchboard.delivery";
    /**
     * Tasks of a batch delivered at the same time: a batch waits for its slowest round of calls, so with
     * few threads a batch of 200 tasks is 25 calls long.
     */
    static final int PARALLELISM = 32;
    private static final int MAX_POLL_RECORDS = 200;

    private final TaskSender sender;
    private final ExecutorService pool;

    TaskDelivery(TaskSender sender) {
        this.sender = sender;
        this.pool = Executors.newFixedThreadPool(PARALLELISM, runnable -> {
            Thread thread = new Thread(runnable, "switchboard-delivery");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public void configure() {
        from(KafkaEndpoints.batchConsumer(sender.topics().tasks(), GROUP_ID, "earliest", MAX_POLL_RECORDS))
                .routeId(ROUTE_ID)
                .process(this::process);
    }

    private void process(Exchange batch) throws Exception {
        List<Exchange> exchanges = KafkaBatch.exchanges(batch);
        if (exchanges.isEmpty()) {
            return;
        }
        List<Future<List<ProducerRecord<byte[], byte[]>>>> futures = new ArrayList<>(exchanges.size());
        for (InputRecord input : KafkaBatch.inputs(exchanges)) {
            futures.add(pool.submit(() -> sender.attempt(input, 1)));
        }
        List<ProducerRecord<byte[], byte[]>> outputs = new ArrayList<>();
        for (Future<List<ProducerRecord<byte[], byte[]>>> future : futures) {
            outputs.addAll(future.get());
        }
        sender.stage().writer().writeAll(outputs, sender.stage().running());
        KafkaBatch.commit(exchanges);
    }

    @Override
    public void close() {
        pool.shutdownNow();
    }
}
