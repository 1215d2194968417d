package dev.switchboard.workflows.runtime;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The largest record each topic takes ({@code max.message.bytes}, as the broker reports it for the
 * topic, and never more than the producer's {@code max.request.size}), so that a stage can see before
 * it writes anything that an output will be refused. A topic's limit is read once, and again after
 * Kafka refused a record this said would fit (the topic's configuration changed). When the broker
 * cannot say, every record is taken to fit, and Kafka's own refusal is the last word.
 */
final class TopicLimits implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TopicLimits.class);
    /** A record batch's header in Kafka's v2 format: base offset to record count. */
    private static final int BATCH_OVERHEAD = 61;
    /** A record's framing at most: length, attributes, timestamp and offset deltas, key and value lengths, header count (varints). */
    private static final int RECORD_OVERHEAD = 36;
    /** A header's framing at most: key and value lengths (varints). */
    private static final int HEADER_OVERHEAD = 10;

    private final KafkaConnection kafka;
    private final int maxRequestSize;
    private final Map<String, Integer> limits = new ConcurrentHashMap<>();
    private Admin admin;

    TopicLimits(KafkaConnection kafka, int maxRequestSize) {
        this.kafka = kafka;
        this.maxRequestSize = maxRequestSize;
    }

    /** The size of the batch Kafka would write for this record alone, at most (uncompressed). */
    static int upperBound(ProducerRecord<byte[], byte[]> record) {
        long size = BATCH_OVERHEAD + RECORD_OVERHEAD + length(record.key()) + length(record.value());
        for (Header header : record.headers()) {
            size += HEADER_OVERHEAD + header.key().length() * 3L + length(header.value());
        }
        return (int) Math.min(Integer.MAX_VALUE, size);
    }

    /** Whether the record's topic takes it. */
    boolean fits(ProducerRecord<byte[], byte[]> record) {
        return upperBound(record) <= limit(record.topic());
    }

    /** The most bytes a record batch of the topic may have. */
    int limit(String topic) {
        Integer known = limits.get(topic);
        if (known != null) {
            return known;
        }
        Integer read = read(topic);
        if (read == null) {
            return maxRequestSize; // not remembered: asked again next time
        }
        limits.put(topic, read);
        return read;
    }

    /** Reads the topic's limit again next time: Kafka refused what it was said to take. */
    void forget(String topic) {
        limits.remove(topic);
    }

    private synchronized Integer read(String topic) {
        try {
            if (admin == null) {
                Properties properties = new Properties();
                properties.putAll(kafka.clientProperties());
                properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
                admin = Admin.create(properties);
            }
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            Config config = admin.describeConfigs(List.of(resource)).all().get(10, TimeUnit.SECONDS).get(resource);
            ConfigEntry entry = config == null ? null : config.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
            return entry == null || entry.value() == null ? maxRequestSize : Math.min(maxRequestSize, Integer.parseInt(entry.value()));
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            LOG.debug("Could not read max.message.bytes of topic {}; Kafka's answer to each write decides: {}", topic, e.toString());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static int length(byte[] bytes) {
        return bytes == null ? 0 : bytes.length;
    }

    @Override
    public synchronized void close() {
        if (admin != null) {
            admin.close();
            admin = null;
        }
    }
}
