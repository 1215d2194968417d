package dev.switchboard.workflows.runtime;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a new workflow with {@code start: latest} begins: at the position its topic had when the
 * engine started it. Kafka's own "latest" is taken at the group's first assignment, seconds later,
 * and silently skips what arrived in between; so before the first poll the offsets for the start
 * time are committed for every partition the group has no offset for yet.
 */
final class StartPositions {

    private static final Logger LOG = LoggerFactory.getLogger(StartPositions.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private StartPositions() {
    }

    /** Commits, for each partition of {@code topic} where {@code group} has no offset, the first offset at or after {@code startedAt}. */
    static void commitIfNew(Admin admin, String group, String topic, Instant startedAt) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = get(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
        TopicDescription description = get(admin.describeTopics(List.of(topic)).allTopicNames()).get(topic);
        Map<TopicPartition, OffsetSpec> missing = new HashMap<>();
        description.partitions().forEach(partition -> {
            TopicPartition tp = new TopicPartition(topic, partition.partition());
            if (committed.get(tp) == null) {
                missing.put(tp, OffsetSpec.forTimestamp(startedAt.toEpochMilli()));
            }
        });
        if (missing.isEmpty()) {
            return;
        }
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> atTime = get(admin.listOffsets(missing).all());
        Map<TopicPartition, OffsetSpec> noneSince = new HashMap<>();
        Map<TopicPartition, OffsetAndMetadata> positions = new HashMap<>();
        atTime.forEach((partition, info) -> {
            if (info.offset() < 0) {
                noneSince.put(partition, OffsetSpec.latest()); // nothing written since the start: the end is the position
            } else {
                positions.put(partition, new OffsetAndMetadata(info.offset()));
            }
        });
        if (!noneSince.isEmpty()) {
            get(admin.listOffsets(noneSince).all()).forEach((partition, info) -> positions.put(partition, new OffsetAndMetadata(info.offset())));
        }
        try {
            get(admin.alterConsumerGroupOffsets(group, positions).all());
            LOG.info("Workflow group {} starts on {} at {} (its start time {})", group, topic, positions.values().stream()
                    .map(OffsetAndMetadata::offset).toList(), startedAt);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownMemberIdException) {
                // another instance of the engine is consuming in this group already: its position stands
                LOG.debug("Group {} is active elsewhere; keeping its position", group);
                return;
            }
            throw e;
        }
    }

    private static <T> T get(KafkaFuture<T> future) throws Exception {
        try {
            return future.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka did not answer within " + TIMEOUT.toSeconds() + " s", e);
        }
    }
}
