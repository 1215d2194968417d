package dev.switchboard.workflows.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.workflows.kafka.KafkaClients;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * Publishes events from JSON Lines, one record per line, keyed by the CloudEvent's {@code subject}
 * (the entity, so one customer's events stay in order) or else its id. Lines are sent as they are,
 * even when they are not valid events: checking them is the engine's job, and the dead-letter topic
 * shows what was wrong.
 */
public final class EventPublisher {

    private static final ObjectMapper JSON = new ObjectMapper();

    private EventPublisher() {
    }

    public static int publish(String bootstrapServers, Map<String, String> clientProperties, String topic, Reader lines)
            throws IOException, InterruptedException {
        int count = 0;
        try (KafkaProducer<byte[], byte[]> producer = KafkaClients.producer(bootstrapServers, clientProperties, Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.LINGER_MS_CONFIG, "5",
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, KafkaClients.MAX_MESSAGE_BYTES));
             BufferedReader reader = new BufferedReader(lines)) {
            List<Future<RecordMetadata>> futures = new ArrayList<>();
            String line;
            while ((line = reader.readLine()) != null) {
                if (line.isBlank()) {
                    continue;
                }
                byte[] value = line.getBytes(StandardCharsets.UTF_8);
                futures.add(producer.send(new ProducerRecord<>(topic, key(line), value)));
                count++;
            }
            for (Future<RecordMetadata> future : futures) {
                future.get();
            }
        } catch (ExecutionException e) {
            throw new IOException("Kafka refused an event: " + e.getCause().getMessage(), e.getCause());
        }
        return count;
    }

    static byte[] key(String line) {
        try {
            JsonNode node = JSON.readTree(line);
            String key = node.path("subject").isTextual() ? node.path("subject").asText() : node.path("id").asText(null);
            return key == null ? null : key.getBytes(StandardCharsets.UTF_8);
        } catch (IOException e) {
            return null;
        }
    }
}
