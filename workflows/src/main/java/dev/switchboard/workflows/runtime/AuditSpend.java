package dev.switchboard.workflows.runtime;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.workflows.kafka.KafkaClients;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * What workflows have spent on models today (UTC), read back from the audit topic, so a restarted
 * engine does not start the day's budgets from zero. Reads only records written since 00:00 UTC
 * (found by timestamp), and only when some workflow has a budget.
 */
final class AuditSpend {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private AuditSpend() {
    }

    /** Dollars per workflow of {@code workflows} in audit records since today's 00:00 UTC by {@code clock}. */
    static Map<String, Double> today(String bootstrapServers, Map<String, String> clientProperties, String auditTopic,
                                     Set<String> workflows, Clock clock) {
        Map<String, Double> spent = new HashMap<>();
        if (workflows.isEmpty()) {
            return spent;
        }
        long midnight = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(bootstrapServers, clientProperties,
                Map.of(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false"))) {
            List<PartitionInfo> info = consumer.partitionsFor(auditTopic, TIMEOUT);
            if (info == null || info.isEmpty()) {
                return spent;
            }
            List<TopicPartition> partitions = info.stream().map(p -> new TopicPartition(auditTopic, p.partition())).toList();
            consumer.assign(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, TIMEOUT);
            Map<TopicPartition, Long> query = new HashMap<>();
            partitions.forEach(partition -> query.put(partition, midnight));
            Map<TopicPartition, OffsetAndTimestamp> starts = consumer.offsetsForTimes(query, TIMEOUT);
            for (TopicPartition partition : partitions) {
                OffsetAndTimestamp start = starts.get(partition);
                consumer.seek(partition, start == null ? ends.get(partition) : start.offset());
            }
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < ends.get(partition))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Could not read today's records of " + auditTopic + " within " + TIMEOUT.toSeconds() + " s");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.value() == null || record.timestamp() < midnight) {
                        continue;
                    }
                    try {
                        JsonNode call = JSON.readTree(record.value());
                        String workflow = call.path("workflow").asText();
                        if (workflows.contains(workflow)) {
                            spent.merge(workflow, call.path("cost_usd").asDouble(0), Double::sum);
                        }
                    } catch (IOException e) {
                        // not an audit record
                    }
                }
            }
        }
        return spent;
    }
}
