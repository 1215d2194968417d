package dev.switchboard.workflows.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Reading a topic whole (from its first to its current last offset), and the clients the scenarios use. */
final class TopicReader {

    private TopicReader() {
    }

    /** Every record of the topic now, in partition order; no consumer group is involved. */
    static List<ConsumerRecord<byte[], byte[]>> readAll(String bootstrap, String topic) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        forEach(bootstrap, topic, records::add);
        return records;
    }

    /** Hands every record of the topic now to {@code action}, keeping none: for topics too big to hold. */
    static void forEach(String bootstrap, String topic, java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> action) {
        forEach(bootstrap, topic, Map.of(), action);
    }

    /** The same with more consumer settings ({@code isolation.level: read_committed}, say). */
    static void forEach(String bootstrap, String topic, Map<String, String> settings,
                        java.util.function.Consumer<ConsumerRecord<byte[], byte[]>> action) {
        Properties properties = new Properties();
        properties.putAll(settings);
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "reliability-reader-" + UUID.randomUUID());
        properties.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(16 * 1024 * 1024));
        properties.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, Integer.toString(64 * 1024 * 1024));
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (PartitionInfo info : consumer.partitionsFor(topic, Duration.ofSeconds(30))) {
                partitions.add(new TopicPartition(topic, info.partition()));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (!reached(consumer, end)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Could not read " + topic + " to its end within 120 s");
                }
                consumer.poll(Duration.ofMillis(500)).forEach(action);
            }
        }
    }

    private static boolean reached(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end) {
        for (Map.Entry<TopicPartition, Long> entry : end.entrySet()) {
            if (consumer.position(entry.getKey()) < entry.getValue()) {
                return false;
            }
        }
        return true;
    }

    /** The committed offsets a consumer group still has to read, over all its topics. */
    static long lag(String bootstrap, String group) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            var committed = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            if (committed.isEmpty()) {
                return -1;
            }
            Map<TopicPartition, org.apache.kafka.clients.admin.OffsetSpec> latest = new java.util.HashMap<>();
            committed.keySet().forEach(partition -> latest.put(partition, org.apache.kafka.clients.admin.OffsetSpec.latest()));
            var ends = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
            long lag = 0;
            for (var entry : committed.entrySet()) {
                lag += ends.get(entry.getKey()).offset() - (entry.getValue() == null ? 0 : entry.getValue().offset());
            }
            return lag;
        }
    }

    static void createTopic(String bootstrap, String topic, int partitions, Map<String, String> configs) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1).configs(configs))).all().get(30, TimeUnit.SECONDS);
        }
    }

    static Admin admin(String bootstrap) {
        Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        return Admin.create(properties);
    }

    /** A producer that waits for every replica and may send records up to 8 MB. */
    static KafkaProducer<byte[], byte[]> producer(String bootstrap, Map<String, String> extra) {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        properties.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        properties.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(8 * 1024 * 1024));
        properties.putAll(extra);
        return new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer());
    }

    static Set<String> topics(String bootstrap) throws Exception {
        try (Admin admin = admin(bootstrap)) {
            return admin.listTopics().names().get(30, TimeUnit.SECONDS);
        }
    }
}
