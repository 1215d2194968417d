package dev.switchboard.workflows.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.DefaultKafkaManualSyncCommit;
import org.apache.camel.component.kafka.consumer.KafkaManualCommitFactory;
import org.apache.camel.impl.DefaultCamelContext;
import org.apache.camel.support.DefaultExchange;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class KafkaBatchTest {

    private static final String TOPIC = "events";

    /** Counts the synchronous commits it is asked for. */
    private static final class CountingConsumer extends MockConsumer<byte[], byte[]> {
        final List<Map<TopicPartition, OffsetAndMetadata>> commits = new ArrayList<>();

        CountingConsumer() {
            super(OffsetResetStrategy.EARLIEST);
        }

        @Override
        public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
            commits.add(Map.copyOf(offsets));
            super.commitSync(offsets, timeout);
        }
    }

    @Test
    void should_commit_every_partition_of_a_batch_in_one_request_after_its_last_record() {
        // given a batch over three partitions, as camel-kafka hands it with manual commits
        CountingConsumer consumer = new CountingConsumer();
        Set<TopicPartition> partitions = Set.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1), new TopicPartition(TOPIC, 2));
        consumer.assign(partitions);
        CamelContext camel = new DefaultCamelContext();
        List<Exchange> batch = List.of(record(camel, consumer, 0, 10), record(camel, consumer, 1, 4), record(camel, consumer, 0, 11),
                record(camel, consumer, 2, 7), record(camel, consumer, 1, 5));

        // when
        KafkaBatch.commit(batch);

        // then one commit, of the offset after each partition's last record
        assertThat(consumer.commits).containsExactly(Map.of(new TopicPartition(TOPIC, 0), new OffsetAndMetadata(12),
                new TopicPartition(TOPIC, 1), new OffsetAndMetadata(6), new TopicPartition(TOPIC, 2), new OffsetAndMetadata(8)));
        assertThat(consumer.committed(partitions).get(new TopicPartition(TOPIC, 0)).offset()).isEqualTo(12);
    }

    @Test
    void should_leave_a_partition_to_its_new_owner_when_it_was_taken_away_before_the_batch_is_committed() {
        // given a batch read from three partitions, its commit held back (it is committed after the next batch has run)
        CountingConsumer consumer = new CountingConsumer();
        consumer.assign(Set.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 1), new TopicPartition(TOPIC, 2)));
        CamelContext camel = new DefaultCamelContext();
        KafkaBatch.Offsets offsets = KafkaBatch.offsets(List.of(record(camel, consumer, 0, 10), record(camel, consumer, 1, 4),
                record(camel, consumer, 2, 7)));

        // when a rebalance takes partition 1 away before the commit
        consumer.assign(Set.of(new TopicPartition(TOPIC, 0), new TopicPartition(TOPIC, 2)));
        offsets.commit();

        // then only the partitions still held are committed: partition 1's new owner reads the batch's records again
        assertThat(consumer.commits).containsExactly(Map.of(new TopicPartition(TOPIC, 0), new OffsetAndMetadata(11),
                new TopicPartition(TOPIC, 2), new OffsetAndMetadata(8)));
    }

    private static Exchange record(CamelContext camel, CountingConsumer consumer, int partition, long offset) {
        Exchange exchange = new DefaultExchange(camel);
        exchange.getMessage().setHeader(KafkaConstants.TOPIC, TOPIC);
        exchange.getMessage().setHeader(KafkaConstants.PARTITION, partition);
        exchange.getMessage().setHeader(KafkaConstants.OFFSET, offset);
        exchange.getMessage().setHeader(KafkaConstants.MANUAL_COMMIT, new DefaultKafkaManualSyncCommit(
                new KafkaManualCommitFactory.CamelExchangePayload(exchange, consumer, "test", null),
                new KafkaManualCommitFactory.KafkaRecordPayload(new TopicPartition(TOPIC, partition), offset, 5000), null));
        return exchange;
    }
}
