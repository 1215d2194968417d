package dev.switchboard.workflows.runtime;

import java.util.HashMap;
import java.util.concurrent.TimeUnit;
import dev.switchboard.workflows.kafka.KafkaClients;
import org.apache.camel.CamelContext;
import org.apache.camel.component.kafka.KafkaComponent;
import org.apache.camel.impl.DefaultCamelContext;

/** camel-kafka for Switchboard's stages: batching, manual commit after outputs are acknowledged, raw bytes. */
final class KafkaEndpoints {

    private static final String HEADER_FILTER = "switchboardHeaderFilter";
    /** How long stopping waits for batches in flight. */
    private static final int SHUTDOWN_SECONDS = 15;
    /**
     * How long a poll waits for records. camel-kafka hands a batch that is not full to the route only after a
     * poll that returns nothing has waited this long, so it bounds what an event waits on a topic gone quiet.
     */
    static final int POLL_TIMEOUT_MS = 100;
    /**
     * A batch goes to the route at the next poll once it is this old, full or not. Without it camel-kafka
     * gathers records until maxPollRecords or a quiet poll: under a steady trickle an event waited for the
     * batch to fill (hundreds of ms a stage on the HTTP path). Batches still grow with the load: records
     * that arrive while a batch runs are read together by the next poll.
     */
    static final int BATCHING_INTERVAL_MS = 1;

    private KafkaEndpoints() {
    }

    /** A Camel context whose {@code kafka:} component reaches the engine's Kafka, not started. */
    static CamelContext context(KafkaConnection kafka) {
        CamelContext camel = new DefaultCamelContext();
        camel.getShutdownStrategy().setTimeout(SHUTDOWN_SECONDS);
        camel.getShutdownStrategy().setTimeUnit(TimeUnit.SECONDS);
        camel.getRegistry().bind(HEADER_FILTER, new DropAllHeaders());
        KafkaComponent component = new KafkaComponent();
        component.getConfiguration().setBrokers(kafka.bootstrapServers());
        component.getConfiguration().setAdditionalProperties(new HashMap<>(kafka.clientProperties()));
        // camel-kafka's default is the eager RangeAssignor, which stops every instance on each rebalance
        component.getConfiguration().setPartitionAssignor(KafkaClients.assignor(kafka.clientProperties()));
        camel.addComponent("kafka", component);
        return camel;
    }

    static String batchConsumer(String topic, String groupId, String autoOffsetReset, int maxPollRecords) {
        return "kafka:" + topic
                + "?groupId=" + groupId
                + "&autoOffsetReset=" + autoOffsetReset
                + "&batching=true"
                + "&maxPollRecords=" + maxPollRecords
                + "&pollTimeoutMs=" + POLL_TIMEOUT_MS
                + "&batchingIntervalMs=" + BATCHING_INTERVAL_MS
                + "&allowManualCommit=true"
                + "&autoCommitEnable=false"
                + "&breakOnFirstError=false"
                + "&keyDeserializer=org.apache.kafka.common.serialization.ByteArrayDeserializer"
                + "&valueDeserializer=org.apache.kafka.common.serialization.ByteArrayDeserializer"
                // Kafka headers stay data: none becomes a Camel header that could steer a component.
                + "&headerFilterStrategy=#" + HEADER_FILTER;
    }
}
