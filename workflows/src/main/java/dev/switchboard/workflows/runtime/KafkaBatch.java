package dev.switchboard.workflows.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.DefaultKafkaManualCommit;
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
     * Commits, per partition, the offset after the last record of the batch: in one synchronous request
     * for all the batch's partitions, as camel-kafka's own commit does for one, where its commits give
     * the consumer (one round trip to the group coordinator instead of one a partition).
     */
    static void commit(List<Exchange> exchanges) {
        Map<String, KafkaManualCommit> lastByPartition = new LinkedHashMap<>();
        for (Exchange exchange : exchanges) {
            var message = exchange.getMessage();
            KafkaManualCommit commit = message.getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class);
            if (commit == null) {
                throw new IllegalStateException("camel-kafka gave no manual commit; is allowManualCommit set?");
            }
            lastByPartition.put(message.getHeader(KafkaConstants.TOPIC, String.class) + "/"
                    + message.getHeader(KafkaConstants.PARTITION, Integer.class), commit);
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
        Consumer<?, ?> consumer = null;
        long timeoutMs = 0;
        for (KafkaManualCommit commit : lastByPartition.values()) {
            if (!(commit instanceof DefaultKafkaManualCommit known) || (consumer != null && known.getConsumer() != consumer)) {
                lastByPartition.values().forEach(KafkaManualCommit::commit);
                return;
            }
            consumer = known.getConsumer();
            timeoutMs = Math.max(timeoutMs, known.getCommitTimeout());
            offsets.put(known.getPartition(), new OffsetAndMetadata(known.getRecordOffset() + 1));
        }
        if (consumer != null) {
            consumer.commitSync(offsets, Duration.ofMillis(timeoutMs));
        }
    }
}
