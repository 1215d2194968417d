package dev.switchboard.workflows.explain;

import dev.switchboard.workflows.kafka.KafkaClients;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a bounded stretch of topics: from a time (found by {@code offsetsForTimes}, so the records
 * before it are never fetched) to the end offsets as they were when the read began, keeping the
 * records a predicate accepts. One consumer, assigned partitions, no group and no commit: reading
 * never disturbs a stage. The predicate sees raw keys, headers and bytes, so records of other events
 * are dropped without being parsed.
 */
final class TopicScan implements AutoCloseable {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(200);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private long scanned;

    TopicScan(String bootstrapServers, Map<String, String> clientProperties) {
        Properties properties = KafkaClients.properties(bootstrapServers, clientProperties, Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000"));
        properties.remove(ConsumerConfig.GROUP_ID_CONFIG);
        this.consumer = new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    /** Records scanned so far, kept or not. */
    long scanned() {
        return scanned;
    }

    /**
     * The records of {@code topic} from {@code from} to its current end that {@code keep} accepts, at
     * most {@code max}; none when the topic does not exist.
     */
    List<ConsumerRecord<byte[], byte[]>> read(String topic, Instant from, Predicate<ConsumerRecord<byte[], byte[]>> keep, int max) {
        List<ConsumerRecord<byte[], byte[]>> kept = new ArrayList<>();
        List<PartitionInfo> infos = consumer.listTopics(TIMEOUT).get(topic);
        if (infos == null || infos.isEmpty()) {
            return kept;
        }
        List<TopicPartition> partitions = infos.stream().map(info -> new TopicPartition(topic, info.partition())).toList();
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, TIMEOUT);
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(partition -> query.put(partition, from.toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(query, TIMEOUT);
        Map<TopicPartition, Long> remaining = new HashMap<>();
        for (TopicPartition partition : partitions) {
            OffsetAndTimestamp start = starts.get(partition);
            if (start != null && start.offset() < ends.get(partition)) {
                remaining.put(partition, ends.get(partition));
            }
        }
        consumer.assign(remaining.keySet());
        remaining.keySet().forEach(partition -> consumer.seek(partition, starts.get(partition).offset()));
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!remaining.isEmpty() && kept.size() < max) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Could not read " + topic + " within " + TIMEOUT.toSeconds() + " s; is Kafka reachable?");
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                Long end = remaining.get(new TopicPartition(record.topic(), record.partition()));
                if (end == null || record.offset() >= end) {
                    continue;
                }
                scanned++;
                if (kept.size() < max && keep.test(record)) {
                    kept.add(record);
                }
            }
            remaining.entrySet().removeIf(entry -> consumer.position(entry.getKey()) >= entry.getValue());
        }
        consumer.assign(List.of());
        return kept;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
