package dev.switchboard.workflows.runtime;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a stage's outputs and returns only when Kafka has acknowledged all of them, so the stage
 * can then commit its input offsets. While Kafka is unreachable it keeps trying (a broker outage is
 * not a reason to drop or skip anything) until the stage is stopped, in which case it throws and
 * nothing is committed.
 */
public final class OutputWriter implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OutputWriter.class);

    private final KafkaProducer<byte[], byte[]> producer;

    public OutputWriter(String bootstrapServers, Map<String, String> clientProperties) {
        Properties properties = new Properties();
        properties.putAll(clientProperties);
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        properties.put(ProducerConfig.LINGER_MS_CONFIG, "2");
        properties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        properties.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        properties.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(8 * 1024 * 1024));
        properties.put(ProducerConfig.CLIENT_ID_CONFIG, "switchboard-writer");
        this.producer = new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /**
     * Writes every record and waits for the acknowledgements.
     *
     * @param running false once the stage is stopping; then a failed write gives up by throwing
     */
    public void writeAll(List<ProducerRecord<byte[], byte[]>> records, BooleanSupplier running) {
        if (records.isEmpty()) {
            return;
        }
        List<ProducerRecord<byte[], byte[]>> pending = records;
        for (int attempt = 1; ; attempt++) {
            List<Future<RecordMetadata>> futures = new ArrayList<>(pending.size());
            for (ProducerRecord<byte[], byte[]> record : pending) {
                futures.add(producer.send(record));
            }
            List<ProducerRecord<byte[], byte[]>> failed = new ArrayList<>();
            Exception last = null;
            for (int i = 0; i < futures.size(); i++) {
                try {
                    futures.get(i).get();
                } catch (ExecutionException e) {
                    failed.add(pending.get(i));
                    last = e;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while writing outputs; offsets stay uncommitted", e);
                }
            }
            if (failed.isEmpty()) {
                return;
            }
            if (!running.getAsBoolean()) {
                throw new IllegalStateException("Stopping with " + failed.size() + " outputs unwritten; offsets stay uncommitted", last);
            }
            LOG.warn("Writing {} records failed (attempt {}), trying again: {}", failed.size(), attempt,
                    last == null ? "" : last.getCause());
            pending = failed;
            try {
                Thread.sleep(Math.min(5_000, 100L << Math.min(attempt, 6))); // backoff while Kafka is unreachable
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while writing outputs; offsets stay uncommitted", e);
            }
        }
    }

    @Override
    public void close() {
        producer.close(Duration.ofSeconds(10));
    }
}
