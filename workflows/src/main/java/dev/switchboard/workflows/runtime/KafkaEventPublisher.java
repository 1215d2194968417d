package dev.switchboard.workflows.runtime;

import dev.switchboard.schemas.events.CloudEventsKafka;
import dev.switchboard.schemas.spi.EventPublisher;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Sources' way into Kafka: an idempotent producer with acks=all; futures complete on acknowledgement. */
final class KafkaEventPublisher implements EventPublisher, AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;
    private final CloudEventsKafka.Mode mode;

    KafkaEventPublisher(String bootstrapServers, Map<String, String> clientProperties, CloudEventsKafka.Mode mode) {
        this.mode = mode;
        Properties properties = new Properties();
        properties.putAll(clientProperties);
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        properties.put(ProducerConfig.LINGER_MS_CONFIG, "2");
        properties.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(8 * 1024 * 1024));
        properties.put(ProducerConfig.CLIENT_ID_CONFIG, "switchboard-sources");
        this.producer = new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public CompletableFuture<Void> publish(String topic, String key, byte[] event) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8), event);
        if (mode == CloudEventsKafka.Mode.BINARY) {
            CloudEventsKafka.Binary binary = CloudEventsKafka.toBinary(event);
            record = new ProducerRecord<>(topic, record.key(), binary.value());
            for (Map.Entry<String, String> header : binary.headers().entrySet()) {
                record.headers().add(header.getKey(), header.getValue().getBytes(StandardCharsets.UTF_8));
            }
        }
        producer.send(record, (metadata, error) -> {
            if (error != null) {
                done.completeExceptionally(error);
            } else {
                done.complete(null);
            }
        });
        return done;
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
