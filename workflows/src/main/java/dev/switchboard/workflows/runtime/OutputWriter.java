package dev.switchboard.workflows.runtime;

import dev.switchboard.schemas.spi.EventPublisher;
import dev.switchboard.workflows.kafka.KafkaClients;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
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
 * {@link Refusals} gives, normally its event's dead letter. Records are measured against their
 * topic's limit ({@link TopicLimits}) before anything is written, so that the records that must not
 * go without a refused one (its event's other tasks: an event goes one way) are withdrawn in time;
 * Kafka's own refusal of a record measured to fit (a limit changed since it was read) is handled the
 * same way, but what was written with it by then stays written.
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

    /** The most bytes the producer sends in one request, so the largest record it writes. */
    private static final int MAX_REQUEST_SIZE = 8 * 1024 * 1024;

    /** What a stage writes instead of a record Kafka refuses for good. */
    @FunctionalInterface
    public interface Refusals {
        Refusals NONE = (record, why) -> Refusal.NONE;

        Refusal instead(ProducerRecord<byte[], byte[]> refused, String why);
    }

    /**
     * What to do about a refused record.
     *
     * @param instead   what to write in its place, normally its event's dead letter; null when there is nothing better
     * @param withdrawn the other records of the batch that must not be written without it
     */
    public record Refusal(ProducerRecord<byte[], byte[]> instead, Predicate<ProducerRecord<byte[], byte[]>> withdrawn) {
        public static final Refusal NONE = new Refusal(null, record -> false);
    }

    private final KafkaConnection kafka;
    private final TopicLimits limits;
    private volatile KafkaProducer<byte[], byte[]> producer;

    OutputWriter(KafkaConnection kafka) {
        this.kafka = kafka;
        this.limits = new TopicLimits(kafka, MAX_REQUEST_SIZE);
    }

    @Override
    public void start() {
        this.producer = KafkaClients.producer(kafka.bootstrapServers(), kafka.clientProperties(), Map.of(
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                ProducerConfig.LINGER_MS_CONFIG, "2",
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000",
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000",
                ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(MAX_REQUEST_SIZE),
                ProducerConfig.CLIENT_ID_CONFIG, "switchboard-writer"));
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
        await(send(records, refusals), running);
    }

    /**
     * Records handed to the producer and not yet known to be written; {@link #await} waits for them, so that a stage
     * may run its next batch while Kafka acknowledges this one.
     */
    public static final class Sending {
        private static final Sending NOTHING = new Sending(List.of(), List.of(), Refusals.NONE);

        private final List<ProducerRecord<byte[], byte[]>> records;
        private final List<Future<RecordMetadata>> acknowledgements;
        private final Refusals refusals;

        private Sending(List<ProducerRecord<byte[], byte[]>> records, List<Future<RecordMetadata>> acknowledgements, Refusals refusals) {
            this.records = records;
            this.acknowledgements = acknowledgements;
            this.refusals = refusals;
        }

        /** True once Kafka has answered for every record, written or not: {@link #await} would not wait. */
        public boolean answered() {
            return acknowledgements.stream().allMatch(Future::isDone);
        }
    }

    /**
     * Hands every record to the producer without waiting (a record larger than its topic accepts is replaced first,
     * as {@link #writeAll} does); {@link #await} then waits for the acknowledgements and sends again what failed.
     */
    public Sending send(List<ProducerRecord<byte[], byte[]>> records, Refusals refusals) {
        if (records.isEmpty()) {
            return Sending.NOTHING;
        }
        List<ProducerRecord<byte[], byte[]>> pending = screen(records, refusals);
        return new Sending(pending, sendEach(pending), refusals);
    }

    private List<Future<RecordMetadata>> sendEach(List<ProducerRecord<byte[], byte[]>> records) {
        List<Future<RecordMetadata>> futures = new ArrayList<>(records.size());
        for (ProducerRecord<byte[], byte[]> record : records) {
            futures.add(producer.send(record));
        }
        return futures;
    }

    /**
     * Returns once every record of {@code sending} is written, sending again what failed (see the class comment).
     *
     * @param running false once the stage is stopping; then a failed write gives up by throwing
     */
    public void await(Sending sending, BooleanSupplier running) {
        List<ProducerRecord<byte[], byte[]>> pending = sending.records;
        List<Future<RecordMetadata>> futures = sending.acknowledgements;
        for (int attempt = 1; !pending.isEmpty(); attempt++) {
            List<ProducerRecord<byte[], byte[]>> failed = new ArrayList<>();
            Exception last = null;
            boolean replaced = false;
            for (int i = 0; i < futures.size(); i++) {
                try {
                    futures.get(i).get();
                } catch (ExecutionException e) {
                    ProducerRecord<byte[], byte[]> instead = tooLarge(e.getCause()) ? refusedByKafka(pending, i, e.getCause(), sending.refusals) : null;
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
            if (!replaced) { // stand-ins go out at once: nothing to wait for
                LOG.warn("Writing {} records failed (attempt {}), trying again: {}", failed.size(), attempt,
                        last == null ? "" : String.valueOf(last.getCause()));
                try {
                    Thread.sleep(RETRIES.delay(attempt, null).toMillis()); // backoff while Kafka is unreachable
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while writing outputs; offsets stay uncommitted", e);
                }
            }
            futures = sendEach(pending);
        }
    }

    private static boolean tooLarge(Throwable failure) {
        return failure instanceof RecordTooLargeException || failure instanceof RecordBatchTooLargeException;
    }

    /**
     * The records to write: each one larger than its topic takes is replaced by its stand-in, and the
     * records that must not go without it are withdrawn, before anything is sent.
     */
    private List<ProducerRecord<byte[], byte[]>> screen(List<ProducerRecord<byte[], byte[]>> records, Refusals refusals) {
        Map<ProducerRecord<byte[], byte[]>, Refusal> refused = new IdentityHashMap<>();
        for (ProducerRecord<byte[], byte[]> record : records) {
            if (!limits.fits(record) && !withdrawn(record, refused.values())) {
                refused.put(record, refusal(record, "larger than topic " + record.topic() + " accepts (max.message.bytes "
                        + limits.limit(record.topic()) + ")", refusals));
            }
        }
        if (refused.isEmpty()) {
            return records;
        }
        List<ProducerRecord<byte[], byte[]>> screened = new ArrayList<>(records.size());
        for (ProducerRecord<byte[], byte[]> record : records) {
            Refusal refusal = refused.get(record);
            if (refusal != null) {
                // nothing better: it is tried, and Kafka's answer is logged below
                screened.add(refusal.instead() != null ? refusal.instead() : record);
            } else if (!withdrawn(record, refused.values())) {
                screened.add(record);
            }
        }
        return screened;
    }

    private static boolean withdrawn(ProducerRecord<byte[], byte[]> record, Collection<Refusal> refusals) {
        return refusals.stream().anyMatch(refusal -> refusal.withdrawn().test(record));
    }

    /** The stand-in for the record at {@code index} that Kafka refused although it was measured to fit; what went with it stays written. */
    private ProducerRecord<byte[], byte[]> refusedByKafka(List<ProducerRecord<byte[], byte[]>> sent, int index, Throwable failure, Refusals refusals) {
        ProducerRecord<byte[], byte[]> record = sent.get(index);
        limits.forget(record.topic());
        Refusal refusal = refusal(record, "larger than topic " + record.topic() + " accepts (" + failure.getClass().getSimpleName() + ")", refusals);
        long written = sent.stream().filter(other -> other != record && refusal.withdrawn().test(other)).count();
        if (written > 0) {
            LOG.error("Kafka refused a record for topic {} that its limit said would fit, after {} record(s) that must not go without it"
                    + " were written with it; its event is dead-lettered, and they stay written", record.topic(), written);
        }
        return refusal.instead();
    }

    /** What to do about a record too large for its topic: a dead letter is cut; anything else is the stage's to say. */
    private static Refusal refusal(ProducerRecord<byte[], byte[]> refused, String why, Refusals refusals) {
        int size = refused.value() == null ? 0 : refused.value().length;
        Refusal refusal;
        if (DeadLetters.isDeadLetter(refused)) {
            boolean cut = DeadLetters.header(refused.headers(), DeadLetters.TRUNCATED) != null;
            refusal = new Refusal(size == 0 ? null : DeadLetters.truncated(refused, cut || size <= DEAD_LETTER_KEEP ? 0 : DEAD_LETTER_KEEP, why),
                    record -> false);
        } else {
            refusal = refusals.instead(refused, "an output of " + size + " bytes is " + why);
        }
        if (refusal.instead() == null) {
            LOG.error("A record of {} bytes for topic {} is {} and has no stand-in; it is tried again until the topic's "
                    + "max.message.bytes is raised", size, refused.topic(), why);
        } else {
            LOG.warn("A record of {} bytes for topic {} is {}; writing a stand-in to {} instead", size, refused.topic(), why,
                    refusal.instead().topic());
        }
        return refusal;
    }

    @Override
    public void stop() {
        limits.close();
        producer.close(Duration.ofSeconds(10));
    }
}
