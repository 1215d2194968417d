package dev.switchboard.workflows.runtime;

import dev.switchboard.schemas.spi.EventPublisher;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a stage's outputs and returns only when Kafka has acknowledged all of them, so the stage
 * can then commit its input offsets. While Kafka is unreachable it keeps trying (a broker outage is
 * not a reason to drop or skip anything) until the stage is stopped, in which case it throws and
 * nothing is committed.
 *
 * <p>A record Kafka refuses for good, because it is larger than its topic accepts, is not tried
 * again as it is (that would block the stage forever): a dead letter is cut to its first 64 KiB
 * (then to its headers alone), and any other record is replaced by what the stage's
 * {@link Refusals} gives, normally its event's dead letter.
 */
public final class OutputWriter implements Service, EventPublisher {

    private static final Logger LOG = LoggerFactory.getLogger(OutputWriter.class);
    /** How much of an original a dead letter keeps when the dead-letter topic refuses all of it. */
    static final int DEAD_LETTER_KEEP = 64 * 1024;
    /**
     * While Kafka is unreachable: try again until it answers or the stage stops, never waiting more than
     * 5 s between tries. A broker outage is no reason to drop anything, so there is no last attempt.
     */
    static final RetryPolicy RETRIES = RetryPolicy.untilStopped(Duration.ofMillis(200), Duration.ofSeconds(5));

    /** What a stage writes instead of a record Kafka refuses for good; null when it has nothing better. */
    @FunctionalInterface
    public interface Refusals {
        Refusals NONE = (record, why) -> null;

        ProducerRecord<byte[], byte[]> instead(ProducerRecord<byte[], byte[]> refused, String why);
    }

    private final KafkaConnection kafka;
    private volatile KafkaProducer<byte[], byte[]> producer;

    OutputWriter(KafkaConnection kafka) {
        this.kafka = kafka;
    }

    @Override
    public void start() {
        Properties properties = new Properties();
        properties.putAll(kafka.clientProperties());
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        properties.put(ProducerConfig.LINGER_MS_CONFIG, "2");
        properties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        properties.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        properties.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(8 * 1024 * 1024));
        properties.put(ProducerConfig.CLIENT_ID_CONFIG, "switchboard-writer");
        this.producer = new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer());
    }

    /** One event for a sink that publishes events (the {@code event} sink); completes on Kafka's acknowledgement. */
    @Override
    public CompletableFuture<Void> publish(String topic, String key, byte[] event) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        producer.send(new ProducerRecord<>(topic, key == null ? null : key.getBytes(StandardCharsets.UTF_8), event), (metadata, error) -> {
            if (error != null) {
                done.completeExceptionally(error);
            } else {
                done.complete(null);
            }
        });
        return done;
    }

    /**
     * Writes every record and waits for the acknowledgements.
     *
     * @param running false once the stage is stopping; then a failed write gives up by throwing
     */
    public void writeAll(List<ProducerRecord<byte[], byte[]>> records, BooleanSupplier running) {
        writeAll(records, running, Refusals.NONE);
    }

    /**
     * Writes every record and waits for the acknowledgements; a record larger than its topic accepts
     * is replaced (see the class comment) rather than tried again.
     *
     * @param running  false once the stage is stopping; then a failed write gives up by throwing
     * @param refusals what to write instead of a record other than a dead letter that Kafka refuses for good
     */
    public void writeAll(List<ProducerRecord<byte[], byte[]>> records, BooleanSupplier running, Refusals refusals) {
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
            boolean replaced = false;
            for (int i = 0; i < futures.size(); i++) {
                try {
                    futures.get(i).get();
                } catch (ExecutionException e) {
                    ProducerRecord<byte[], byte[]> instead = tooLarge(e.getCause()) ? instead(pending.get(i), e.getCause(), refusals) : null;
                    replaced |= instead != null;
                    failed.add(instead != null ? instead : pending.get(i));
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
            pending = failed;
            if (replaced) {
                continue; // stand-ins go out at once: nothing to wait for
            }
            LOG.warn("Writing {} records failed (attempt {}), trying again: {}", failed.size(), attempt,
                    last == null ? "" : String.valueOf(last.getCause()));
            try {
                Thread.sleep(RETRIES.delay(attempt, null).toMillis()); // backoff while Kafka is unreachable
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("Interrupted while writing outputs; offsets stay uncommitted", e);
            }
        }
    }

    private static boolean tooLarge(Throwable failure) {
        return failure instanceof RecordTooLargeException || failure instanceof RecordBatchTooLargeException;
    }

    /** The stand-in for a record too large for its topic, or null when there is none (then it is tried again). */
    private static ProducerRecord<byte[], byte[]> instead(ProducerRecord<byte[], byte[]> refused, Throwable failure, Refusals refusals) {
        int size = refused.value() == null ? 0 : refused.value().length;
        String why = "larger than topic " + refused.topic() + " accepts (" + failure.getClass().getSimpleName() + ")";
        ProducerRecord<byte[], byte[]> instead;
        if (DeadLetters.isDeadLetter(refused)) {
            boolean cut = DeadLetters.header(refused.headers(), DeadLetters.TRUNCATED) != null;
            instead = size == 0 ? null : DeadLetters.truncated(refused, cut || size <= DEAD_LETTER_KEEP ? 0 : DEAD_LETTER_KEEP, why);
        } else {
            instead = refusals.instead(refused, "an output of " + size + " bytes is " + why);
        }
        if (instead == null) {
            LOG.error("A record of {} bytes for topic {} is {} and has no stand-in; it is tried again until the topic's "
                    + "max.message.bytes is raised", size, refused.topic(), why);
        } else {
            LOG.warn("A record of {} bytes for topic {} is {}; writing a stand-in to {} instead", size, refused.topic(), why, instead.topic());
        }
        return instead;
    }

    @Override
    public void stop() {
        producer.close(Duration.ofSeconds(10));
    }
}
