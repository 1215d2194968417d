package dev.switchboard.workflows.runtime;

import dev.switchboard.schemas.events.CloudEventsKafka;
import dev.switchboard.schemas.spi.EventPublisher;
import dev.switchboard.workflows.kafka.KafkaClients;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Sources' way into Kafka: an idempotent producer with acks=all; futures complete on acknowledgement. */
final class KafkaEventPublisher implements EventPublisher, AutoCloseable {

    private final KafkaProducer<byte[], byte[]> producer;
    private final CloudEventsKafka.Mode mode;

    KafkaEventPublisher(String bootstrapServers, Map<String, String> clientProperties, CloudEventsKafka.Mode mode) {
        this.mode = mode;
        this.producer = KafkaClients.producer(bootstrapServers, clientProperties, Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                // a webhook's sender waits for its event's acknowledgement: lingering would only add to that wait
                ProducerConfig.LINGER_MS_CONFIG, "0",
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, KafkaClients.MAX_MESSAGE_BYTES,
                ProducerConfig.CLIENT_ID_CONFIG, "switchboard-sources"));
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
