package dev.switchboard.workflows.runtime;

import dev.switchboard.workflows.kafka.KafkaClients;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tries tasks again when they are due: consumes the {@link RetryTopics} in its own group and, for a
 * partition whose next record is not due yet, seeks back to that record and pauses the partition until
 * it is, so the thread never sleeps on a task and no partition waits for another. A due record is a
 * task's next attempt ({@link TaskSender}), or, when its wait is longer than its topic's delay, a hop
 * to the next retry topic. Offsets are committed after the outputs are acknowledged; a crash before
 * that tries again, and the idempotency key makes it harmless.
 */
final class RetryStage implements Service {

    public static final String GROUP_ID = "switchboard.delivery.retry";
    private static final Logger LOG = LoggerFactory.getLogger(RetryStage.class);
    private static final int MAX_POLL_RECORDS = 50;
    /** Retries due at the same time, tried at once: fewer than first attempts, as they go to a sink that was failing. */
    private static final int PARALLELISM = 8;
    private static final Duration LONGEST_POLL = Duration.ofMillis(500);

    private final TaskSender sender;
    private final Map<TopicPartition, Instant> pausedUntil = new HashMap<>();
    private ExecutorService pool;
    private KafkaConsumer<byte[], byte[]> consumer;
    private Thread thread;
    private volatile boolean running;

    RetryStage(TaskSender sender) {
        this.sender = sender;
    }

    @Override
    public void start() {
        consumer = KafkaClients.consumer(sender.stage().kafka().bootstrapServers(), sender.stage().kafka().clientProperties(), Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, GROUP_ID,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(MAX_POLL_RECORDS),
                ConsumerConfig.CLIENT_ID_CONFIG, "switchboard-delivery-retry",
                ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, KafkaClients.assignor(sender.stage().kafka().clientProperties())));
        pool = Executors.newFixedThreadPool(PARALLELISM, runnable -> {
            Thread worker = new Thread(runnable, "switchboard-delivery-retry-send");
            worker.setDaemon(true);
            return worker;
        });
        running = true;
        thread = new Thread(this::run, "switchboard-delivery-retry");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        try {
            consumer.subscribe(sender.retryTopics().all(), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    partitions.forEach(pausedUntil::remove);
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    // a partition assigned again starts unpaused; its next poll pauses it again if its record is not due
                }
            });
            while (running && sender.stage().running().getAsBoolean()) {
                resumeDue();
                ConsumerRecords<byte[], byte[]> records = consumer.poll(pollTimeout());
                List<ConsumerRecord<byte[], byte[]>> due = due(records);
                if (!due.isEmpty()) {
                    handle(due);
                }
            }
        } catch (WakeupException e) {
            // stopping
        } catch (RuntimeException e) {
            if (running) {
                LOG.error("Delivery retries stopped: {}; tasks waiting for a retry are tried after a restart", e.toString(), e);
            }
        } finally {
            consumer.close(Duration.ofSeconds(5));
        }
    }

    /** The records of this poll that are due; a partition whose next record is not is rewound to it and paused until then. */
    private List<ConsumerRecord<byte[], byte[]>> due(ConsumerRecords<byte[], byte[]> records) {
        List<ConsumerRecord<byte[], byte[]>> due = new ArrayList<>();
        Instant now = sender.clock().instant();
        for (TopicPartition partition : records.partitions()) {
            for (ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
                Instant hopDue = RetryTopics.read(input(record)).hopDue();
                if (hopDue.isAfter(now)) {
                    consumer.seek(partition, record.offset());
                    consumer.pause(List.of(partition));
                    pausedUntil.put(partition, hopDue);
                    break;
                }
                due.add(record);
            }
        }
        return due;
    }

    private void resumeDue() {
        Instant now = sender.clock().instant();
        List<TopicPartition> resume = new ArrayList<>();
        pausedUntil.forEach((partition, until) -> {
            if (!until.isAfter(now)) {
                resume.add(partition);
            }
        });
        if (!resume.isEmpty()) {
            resume.forEach(pausedUntil::remove);
            consumer.resume(resume);
        }
    }

    /** Until the first paused partition is due, but never longer than {@link #LONGEST_POLL}. */
    private Duration pollTimeout() {
        Instant now = sender.clock().instant();
        Duration timeout = LONGEST_POLL;
        for (Instant until : pausedUntil.values()) {
            Duration left = Duration.between(now, until);
            if (left.compareTo(timeout) < 0) {
                timeout = left.isNegative() ? Duration.ZERO : left;
            }
        }
        return timeout;
    }

    private void handle(List<ConsumerRecord<byte[], byte[]>> due) {
        List<Future<List<ProducerRecord<byte[], byte[]>>>> futures = new ArrayList<>(due.size());
        for (ConsumerRecord<byte[], byte[]> record : due) {
            RetryTopics.Pending pending = RetryTopics.read(input(record));
            futures.add(pool.submit(() -> {
                Instant now = sender.clock().instant();
                if (pending.due().isAfter(now)) {
                    return List.of(sender.retryTopics().hold(pending.origin(), pending.attempts(), pending.due(), pending.lastError(), now));
                }
                return sender.attempt(pending.origin(), pending.attempts() + 1);
            }));
        }
        List<ProducerRecord<byte[], byte[]>> outputs = new ArrayList<>();
        try {
            for (var future : futures) {
                outputs.addAll(future.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while delivering retries; they stay uncommitted", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("A retry failed unexpectedly: " + e.getCause(), e.getCause());
        }
        sender.stage().writer().writeAll(outputs, () -> running && sender.stage().running().getAsBoolean());
        Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : due) {
            offsets.put(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1));
        }
        try {
            consumer.commitSync(offsets);
        } catch (WakeupException e) {
            throw e;
        } catch (RuntimeException e) {
            // the outputs are written: a retry read again is a duplicate attempt, which the idempotency key absorbs
            LOG.warn("Committing delivery retries failed ({}); they may be tried once more", e.toString());
        }
    }

    private static InputRecord input(ConsumerRecord<byte[], byte[]> record) {
        return new InputRecord(record.topic(), record.partition(), record.offset(), record.key(), record.value(), record.headers());
    }

    @Override
    public void stop() {
        running = false;
        if (consumer != null) {
            consumer.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(Duration.ofSeconds(20).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
