package dev.switchboard.workflows.ops;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/** Reads the newest records of every partition of a topic, for listings that show what is there now. */
final class TopicTail {

    private TopicTail() {
    }

    /**
     * Hands each of the last {@code perPartition} records of every partition of {@code topic} to {@code action},
     * in the order they are polled; gives up after ten seconds, so a listing never hangs on a slow broker.
     */
    static void forEach(KafkaConsumer<byte[], byte[]> consumer, String topic, long perPartition,
                        Consumer<ConsumerRecord<byte[], byte[]>> action) {
        List<PartitionInfo> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(5));
        if (partitions == null || partitions.isEmpty()) {
            return;
        }
        List<TopicPartition> assigned = partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(assigned);
        Map<TopicPartition, Long> ends = consumer.endOffsets(assigned, Duration.ofSeconds(5));
        Map<TopicPartition, Long> begins = consumer.beginningOffsets(assigned, Duration.ofSeconds(5));
        long remaining = 0;
        for (TopicPartition partition : assigned) {
            long start = Math.max(begins.get(partition), ends.get(partition) - perPartition);
            consumer.seek(partition, start);
            remaining += ends.get(partition) - start;
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (remaining > 0 && System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                action.accept(record);
                remaining--;
            }
        }
    }
}
