package dev.switchboard.workflows.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.DefaultKafkaManualCommit;
import org.apache.camel.component.kafka.consumer.DefaultKafkaManualSyncCommit;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;

/** Reads a camel-kafka batch (a list of exchanges) as input records, and commits it. */
final class KafkaBatch {

    private KafkaBatch() {
    }

    @SuppressWarnings("unchecked")
    static List<Exchange> exchanges(Exchange batch) {
        Object body = batch.getMessage().getBody();
        return body instanceof List<?> list ? (List<Exchange>) list : List.of();
    }

    static List<InputRecord> inputs(List<Exchange> exchanges) {
        List<InputRecord> inputs = new ArrayList<>(exchanges.size());
        for (Exchange exchange : exchanges) {
            var message = exchange.getMessage();
            inputs.add(new InputRecord(
                    message.getHeader(KafkaConstants.TOPIC, String.class),
                    message.getHeader(KafkaConstants.PARTITION, 0, Integer.class),
                    message.getHeader(KafkaConstants.OFFSET, -1L, Long.class),
                    message.getHeader(KafkaConstants.KEY, byte[].class),
                    message.getBody(byte[].class),
                    message.getHeader(KafkaConstants.HEADERS, Headers.class)));
        }
        return inputs;
    }

    /**
     * Commits, per partition, the offset after the last record of the batch, in one synchronous commit
     * for all partitions: a commit per partition (camel-kafka's {@code KafkaManualCommit.commit()}) would
     * wait for the group coordinator once per partition of the batch.
     */
    static void commit(List<Exchange> exchanges) {
        Map<TopicPartition, KafkaManualCommit> lastByPartition = lastByPartition(exchanges);
        Offsets offsets = offsets(lastByPartition);
        if (offsets != null) {
            offsets.commit();
        } else {
            lastByPartition.values().forEach(KafkaManualCommit::commit); // another commit strategy: its own way, partition by partition
        }
    }

    /**
     * What {@link #commit} would commit, to be committed later on the consumer's thread; null when the batch is empty,
     * and when camel-kafka commits another way than synchronously through the consumer ({@link #commit} then commits
     * its own way).
     */
    static Offsets offsets(List<Exchange> exchanges) {
        return offsets(lastByPartition(exchanges));
    }

    private static Offsets offsets(Map<TopicPartition, KafkaManualCommit> lastByPartition) {
        if (lastByPartition.isEmpty()) {
            return null;
        }
        KafkaManualCommit any = lastByPartition.values().iterator().next();
        if (!(any instanceof DefaultKafkaManualSyncCommit sync) || sync.getOffsetRepository() != null) {
            return null;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
        lastByPartition.forEach((partition, commit) ->
                offsets.put(partition, new OffsetAndMetadata(((DefaultKafkaManualCommit) commit).getRecordOffset() + 1)));
        return new Offsets(sync.getConsumer(), offsets, Duration.ofMillis(sync.getCommitTimeout()));
    }

    private static Map<TopicPartition, KafkaManualCommit> lastByPartition(List<Exchange> exchanges) {
        Map<TopicPartition, KafkaManualCommit> lastByPartition = new LinkedHashMap<>();
        for (Exchange exchange : exchanges) {
            var message = exchange.getMessage();
            KafkaManualCommit commit = message.getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
            if (commit == null) {
                throw new IllegalStateException("camel-kafka gave no manual commit; is allowManualCommit set?");
            }
            lastByPartition.put(new TopicPartition(message.getHeader(KafkaConstants.TOPIC, String.class),
                    message.getHeader(KafkaConstants.PARTITION, Integer.class)), commit);
        }
        return lastByPartition;
    }

    /** A batch's next offsets, per partition, and the consumer that read it. */
    record Offsets(Consumer<?, ?> consumer, Map<TopicPartition, OffsetAndMetadata> next, Duration timeout) {

        /**
         * Commits them in one synchronous request, for the partitions the consumer still holds: a partition taken away
         * since the batch was read is another consumer's to commit, and it reads the batch again (deterministic task
         * ids make that harmless). Only on the consumer's own thread.
         */
        void commit() {
            Map<TopicPartition, OffsetAndMetadata> held = new LinkedHashMap<>(next);
            held.keySet().retainAll(consumer.assignment());
            if (!held.isEmpty()) {
                consumer.commitSync(held, timeout);
            }
        }
    }
}
