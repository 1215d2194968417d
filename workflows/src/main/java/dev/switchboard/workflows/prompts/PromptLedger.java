package dev.switchboard.workflows.prompts;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.workflows.runtime.KafkaTopics;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The prompts topic: the text of every prompt version, written once (a version already there is not written again), keyed
 * by version on a compacted topic, so the exact prompt behind any output or audit record can be shown later.
 */
public final class PromptLedger {

    private static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Duration POLL = Duration.ofMillis(200);

    private final String bootstrapServers;
    private final Map<String, String> clientProperties;
    private final String topic;

    public PromptLedger(String bootstrapServers, Map<String, String> clientProperties, String topic) {
        this.bootstrapServers = bootstrapServers;
        this.clientProperties = clientProperties;
        this.topic = topic;
    }

    /** Writes the versions the topic does not hold yet (creating it, compacted, when missing); returns how many were new. */
    public int record(Collection<RecordedPrompt> prompts, short replicationFactor) throws InterruptedException {
        KafkaTopics.createCompacted(bootstrapServers, clientProperties, topic, replicationFactor);
        Map<String, RecordedPrompt> known = read();
        Map<String, RecordedPrompt> fresh = new LinkedHashMap<>();
        prompts.stream().filter(prompt -> !known.containsKey(prompt.version())).forEach(prompt -> fresh.putIfAbsent(prompt.version(), prompt));
        if (fresh.isEmpty()) {
            return 0;
        }
        Properties properties = properties();
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (RecordedPrompt prompt : fresh.values()) {
                producer.send(new ProducerRecord<>(topic, prompt.version().getBytes(StandardCharsets.UTF_8), JSON.writeValueAsBytes(prompt)))
                        .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
            }
        } catch (ExecutionException | TimeoutException | IOException e) {
            throw new IllegalStateException("Cannot write the prompts to " + topic + ": " + e.getMessage(), e);
        }
        return fresh.size();
    }

    /** Every version on the topic, in the order written (the latest record of a version wins); none when the topic is missing. */
    public Map<String, RecordedPrompt> read() {
        Properties properties = properties();
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.remove(ConsumerConfig.GROUP_ID_CONFIG);
        Map<String, RecordedPrompt> prompts = new LinkedHashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<PartitionInfo> infos = consumer.listTopics(TIMEOUT).get(topic);
            if (infos == null) {
                return prompts;
            }
            List<TopicPartition> partitions = infos.stream().map(info -> new TopicPartition(topic, info.partition())).toList();
            Map<TopicPartition, Long> ends = new LinkedHashMap<>(consumer.endOffsets(partitions, TIMEOUT));
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (ends.entrySet().stream().anyMatch(end -> consumer.position(end.getKey(), TIMEOUT) < end.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Could not read " + topic + " within " + TIMEOUT.toSeconds() + " s; is Kafka reachable?");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    if (record.value() != null) {
                        RecordedPrompt prompt = parse(record.value());
                        prompts.remove(prompt.version());
                        prompts.put(prompt.version(), prompt);
                    }
                }
            }
        }
        return prompts;
    }

    private static RecordedPrompt parse(byte[] value) {
        try {
            return JSON.readValue(value, RecordedPrompt.class);
        } catch (IOException e) {
            throw new IllegalStateException("A record of the prompts topic is not a prompt: " + e.getMessage(), e);
        }
    }

    private Properties properties() {
        Properties properties = new Properties();
        properties.putAll(clientProperties);
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        return properties;
    }
}
