package dev.switchboard.workflows.ops;

import dev.switchboard.workflows.kafka.KafkaClients;
import dev.switchboard.workflows.runtime.ReviewRecords;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the review topic to know how many held events wait for a person: a review record keyed
 * by its review id is pending until a later record with the same key decides it (a tombstone, or a
 * record that carries a {@code decision} or a final {@code status}).
 */
public final class ReviewQueueWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ReviewQueueWatch.class);
    private static final Set<String> FINAL = Set.of("approved", "rejected", "decided");

    private final Set<String> pending = ConcurrentHashMap.newKeySet();
    private final Thread thread;
    private volatile boolean running = true;
    private volatile KafkaConsumer<byte[], byte[]> consumer;

    public ReviewQueueWatch(String bootstrapServers, Map<String, String> clientProperties, String topic) {
        Properties properties = KafkaClients.properties(bootstrapServers, clientProperties, Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, "switchboard.review-watch." + UUID.randomUUID(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest"));
        this.thread = new Thread(() -> follow(properties, topic), "switchboard-review-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private void follow(Properties properties, String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            this.consumer = consumer;
            List<PartitionInfo> partitions = List.of();
            while (running && partitions.isEmpty()) {
                partitions = consumer.partitionsFor(topic, Duration.ofSeconds(5));
            }
            consumer.assign(partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList());
            consumer.seekToBeginning(consumer.assignment());
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                    apply(record);
                }
            }
        } catch (org.apache.kafka.common.errors.InterruptException | org.apache.kafka.common.errors.WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            LOG.warn("Review queue watch stopped: {}", e.toString());
        }
    }

    void apply(ConsumerRecord<byte[], byte[]> record) {
        ReviewRecords.read(record).ifPresent(read -> {
            if (read.removed() || read.value().has("decision") || FINAL.contains(read.value().path("status").asText())) {
                pending.remove(read.reviewId());
            } else {
                pending.add(read.reviewId());
            }
        });
    }

    /** Held events waiting for a person. */
    public int size() {
        return pending.size();
    }

    @Override
    public void close() {
        running = false;
        KafkaConsumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup(); // not an interrupt: the consumer then closes cleanly
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
