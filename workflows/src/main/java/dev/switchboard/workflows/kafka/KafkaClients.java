package dev.switchboard.workflows.kafka;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The engine's and the CLI's Kafka clients, all of bytes: the cluster's client properties (security,
 * say), its bootstrap servers, then what the one client needs.
 */
public final class KafkaClients {

    /** The largest event the engine writes or reads, as a client setting: 8 MiB. */
    public static final String MAX_MESSAGE_BYTES = Integer.toString(8 * 1024 * 1024);

    /**
     * The engine's consumer groups rebalance cooperatively: a member that joins or dies moves only the
     * partitions that must move, and the others keep consuming (the default Range assignor stops every
     * member). {@code partition.assignment.strategy} in {@code kafka.properties} overrides it, for the
     * rolling upgrade of a group that runs the old assignor (docs/reliability.md).
     */
    public static String assignor(Map<String, String> clientProperties) {
        return clientProperties.getOrDefault(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
    }

    private KafkaClients() {
    }

    public static Properties properties(String bootstrapServers, Map<String, String> clientProperties, Map<String, String> settings) {
        Properties properties = new Properties();
        properties.putAll(clientProperties);
        properties.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.putAll(settings);
        return properties;
    }

    public static KafkaConsumer<byte[], byte[]> consumer(String bootstrapServers, Map<String, String> clientProperties,
                                                          Map<String, String> settings) {
        return new KafkaConsumer<>(properties(bootstrapServers, clientProperties, settings), new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
    }

    public static KafkaProducer<byte[], byte[]> producer(String bootstrapServers, Map<String, String> clientProperties,
                                                          Map<String, String> settings) {
        return new KafkaProducer<>(properties(bootstrapServers, clientProperties, settings), new ByteArraySerializer(),
                new ByteArraySerializer());
    }
}
