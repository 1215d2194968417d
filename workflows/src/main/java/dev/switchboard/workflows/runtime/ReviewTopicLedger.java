package dev.switchboard.workflows.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.workflows.kafka.KafkaClients;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * The review topic, read to its end before each batch of decisions ({@link #catchUp()}) and kept as
 * the latest record of each review. One consumer with every partition assigned and no group (it reads,
 * it never commits), shared by the engine's workflows. A decided review is kept as its status and who
 * decided, enough to refuse a second decision; a pending one whole, since a decision resumes it.
 */
final class ReviewTopicLedger implements ReviewLedger, Service {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final KafkaConnection kafka;
    private final String topic;
    private final Map<String, JsonNode> latest = new HashMap<>();
    private KafkaConsumer<byte[], byte[]> consumer;
    private List<TopicPartition> assigned = List.of();

    ReviewTopicLedger(KafkaConnection kafka, String topic) {
        this.kafka = kafka;
        this.topic = topic;
    }

    @Override
    public synchronized void start() {
        consumer = KafkaClients.consumer(kafka.bootstrapServers(), kafka.clientProperties(), Map.of(
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, KafkaClients.MAX_MESSAGE_BYTES));
    }

    /**
     * Reads what the topic holds now. Throws when Kafka does not answer in time: the batch of decisions
     * is then not committed, and is read again.
     */
    synchronized void catchUp() {
        List<PartitionInfo> partitions = consumer.partitionsFor(topic, TIMEOUT);
        if (partitions != null && partitions.size() != assigned.size()) {
            List<TopicPartition> added = new ArrayList<>();
            List<TopicPartition> all = new ArrayList<>();
            for (PartitionInfo partition : partitions) {
                TopicPartition topicPartition = new TopicPartition(topic, partition.partition());
                all.add(topicPartition);
                if (!assigned.contains(topicPartition)) {
                    added.add(topicPartition);
                }
            }
            consumer.assign(all);
            consumer.seekToBeginning(added);
            assigned = List.copyOf(all);
        }
        Map<TopicPartition, Long> ends = consumer.endOffsets(assigned, TIMEOUT);
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!caughtUp(ends)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Could not read review topic " + topic + " to its end within " + TIMEOUT.toSeconds()
                        + " s; the decisions are read again");
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                read(record);
            }
        }
    }

    private void read(ConsumerRecord<byte[], byte[]> record) {
        ReviewRecords.read(record).ifPresent(read -> {
            if (read.removed()) {
                latest.remove(read.reviewId());
            } else if (read.value().isObject()) {
                latest.put(read.reviewId(), "pending".equals(read.value().path("status").asText()) ? read.value() : decided(read.value()));
            }
        });
    }

    private static JsonNode decided(JsonNode record) {
        ObjectNode kept = JSON.createObjectNode();
        for (String field : List.of("review_id", "workflow", "step", "status", "decided_by", "decided_at")) {
            if (record.has(field)) {
                kept.set(field, record.get(field));
            }
        }
        return kept;
    }

    private boolean caughtUp(Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            if (consumer.position(end.getKey()) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public synchronized Optional<JsonNode> latest(String reviewId) {
        return Optional.ofNullable(latest.get(reviewId));
    }

    @Override
    public synchronized void stop() {
        if (consumer != null) {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
