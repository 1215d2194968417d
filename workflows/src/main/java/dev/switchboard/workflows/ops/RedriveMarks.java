package dev.switchboard.workflows.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.workflows.runtime.DeadLetters;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Which dead letters were re-driven, and when and where to. A dead letter stays in its topic after a
 * re-drive (Kafka records are not changed), so each re-drive is noted on
 * {@link DeadLetters#redrivesTopic} under the dead letter's {@code partition/offset}, and the
 * listing marks the dead letters it finds there.
 */
final class RedriveMarks {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** Re-drives are made by hand; this many, the newest, are more than any listing shows. */
    private static final int MAX_MARKS = 100_000;

    private RedriveMarks() {
    }

    /** The note that dead letter {@code partition/offset} went back to {@code target} at {@code time}. */
    static ProducerRecord<byte[], byte[]> mark(String deadLetterTopic, int partition, long offset, String target, Instant time) {
        ObjectNode value = JSON.createObjectNode().put("partition", partition).put("offset", offset).put("topic", target)
                .put("time", time.toString());
        return new ProducerRecord<>(DeadLetters.redrivesTopic(deadLetterTopic), key(partition, offset).getBytes(StandardCharsets.UTF_8),
                value.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** The last re-drive of each dead letter, by {@code partition/offset}. */
    static Map<String, JsonNode> read(KafkaConsumer<byte[], byte[]> consumer, String deadLetterTopic) {
        Map<String, JsonNode> marks = new HashMap<>();
        TopicTail.forEach(consumer, DeadLetters.redrivesTopic(deadLetterTopic), MAX_MARKS, record -> {
            try {
                JsonNode mark = JSON.readTree(record.value());
                marks.put(key(mark.path("partition").asInt(), mark.path("offset").asLong()), mark);
            } catch (IOException | RuntimeException unreadable) {
                // not a mark: skipped
            }
        });
        return marks;
    }

    static String key(int partition, long offset) {
        return partition + "/" + offset;
    }
}
