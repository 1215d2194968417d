package dev.switchboard.workflows.ops;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.workflows.runtime.DeadLetters;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The dead-letter topic as the admin API and the console see it: the latest records with why they
 * failed and whether they were re-driven, and re-driving chosen ones to their source topics with
 * their original key and bytes.
 */
public final class DeadLetterBox {

    private static final int MAX_VALUE_CHARS = 4000;

    /** One dead letter; {@code value} is the text of its bytes, cut at 4,000 characters. */
    public record DeadLetter(int partition, long offset, String reason, String stage, String step, String sourceTopic, String time,
                             boolean redriven, String redrivenAt, String redrivenTo, int size, String value) {
    }

    /** What became of one re-drive: {@code topic} where it went, or {@code error} why it did not. */
    public record Redrive(int partition, long offset, boolean redriven, String topic, String error) {
    }

    private final EngineView engine;

    public DeadLetterBox(EngineView engine) {
        this.engine = engine;
    }

    /** The latest {@code limit} dead letters, oldest first. */
    public List<DeadLetter> latest(int limit) {
        List<ConsumerRecord<byte[], byte[]>> records = latestRecords(engine.deadLetterTopic(), limit);
        Map<String, JsonNode> redriven;
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            redriven = RedriveMarks.read(consumer, engine.deadLetterTopic());
        }
        List<DeadLetter> letters = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : records) {
            JsonNode mark = redriven.get(RedriveMarks.key(record.partition(), record.offset()));
            String value = record.value() == null ? "" : new String(record.value(), StandardCharsets.UTF_8);
            letters.add(new DeadLetter(record.partition(), record.offset(), DeadLetters.header(record.headers(), DeadLetters.REASON),
                    DeadLetters.header(record.headers(), DeadLetters.STAGE), DeadLetters.header(record.headers(), DeadLetters.STEP),
                    DeadLetters.header(record.headers(), DeadLetters.SOURCE_TOPIC), DeadLetters.header(record.headers(), DeadLetters.TIME),
                    mark != null, mark == null ? null : mark.path("time").asText(), mark == null ? null : mark.path("topic").asText(),
                    record.value() == null ? 0 : record.value().length,
                    value.length() > MAX_VALUE_CHARS ? value.substring(0, MAX_VALUE_CHARS) + "…" : value));
        }
        return letters;
    }

    /**
     * Publishes each record again to its source topic with its original key and bytes, marked with a
     * {@code switchboard.redriven.from} header, and notes the re-drive so listings mark it.
     */
    public List<Redrive> redrive(List<TopicPartitionOffset> wanted) throws Exception {
        List<Redrive> done = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer();
             KafkaProducer<byte[], byte[]> producer = producer()) {
            for (TopicPartitionOffset position : wanted) {
                TopicPartition partition = new TopicPartition(engine.deadLetterTopic(), position.partition());
                long offset = position.offset();
                ConsumerRecord<byte[], byte[]> record = read(consumer, partition, offset);
                if (record == null) {
                    done.add(new Redrive(partition.partition(), offset, false, null, "No record at that offset"));
                    continue;
                }
                String target = DeadLetters.header(record.headers(), DeadLetters.SOURCE_TOPIC);
                if (target == null) {
                    done.add(new Redrive(partition.partition(), offset, false, null, "The record names no source topic"));
                    continue;
                }
                if (DeadLetters.header(record.headers(), DeadLetters.TRUNCATED) != null) {
                    done.add(new Redrive(partition.partition(), offset, false, null, "The record keeps only the first bytes of its original ("
                            + DeadLetters.header(record.headers(), DeadLetters.ORIGINAL_BYTES) + " bytes); re-send the original from its source"));
                    continue;
                }
                ProducerRecord<byte[], byte[]> again = new ProducerRecord<>(target, record.key(), record.value());
                again.headers().add(DeadLetters.REDRIVEN_FROM, (engine.deadLetterTopic() + "/" + partition.partition() + "/" + offset)
                        .getBytes(StandardCharsets.UTF_8));
                producer.send(again).get(30, TimeUnit.SECONDS);
                producer.send(RedriveMarks.mark(engine.deadLetterTopic(), partition.partition(), offset, target, Instant.now()))
                        .get(30, TimeUnit.SECONDS);
                done.add(new Redrive(partition.partition(), offset, true, target, null));
            }
        }
        return done;
    }

    /** A record of the dead-letter topic by its partition and offset. */
    public record TopicPartitionOffset(int partition, long offset) {
    }

    /** The last {@code limit} records of a topic, across partitions, oldest first. */
    private List<ConsumerRecord<byte[], byte[]>> latestRecords(String topic, int limit) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            TopicTail.forEach(consumer, topic, limit, records::add);
        }
        records.sort(Comparator.comparingLong(ConsumerRecord::timestamp));
        return records.size() > limit ? records.subList(records.size() - limit, records.size()) : records;
    }

    private static ConsumerRecord<byte[], byte[]> read(KafkaConsumer<byte[], byte[]> consumer, TopicPartition partition, long offset) {
        consumer.assign(List.of(partition));
        consumer.seek(partition, offset);
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                if (record.offset() == offset) {
                    return record;
                }
                if (record.offset() > offset) {
                    return null;
                }
            }
        }
        return null;
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Properties properties = new Properties();
        properties.putAll(engine.clientProperties());
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, engine.bootstrapServers());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, "switchboard.admin." + UUID.randomUUID());
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(8 * 1024 * 1024));
        return new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private KafkaProducer<byte[], byte[]> producer() {
        Properties properties = new Properties();
        properties.putAll(engine.clientProperties());
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, engine.bootstrapServers());
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(8 * 1024 * 1024));
        return new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
