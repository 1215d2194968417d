package dev.switchboard.workflows.review;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.schemas.JsonValues;
import dev.switchboard.workflows.runtime.ReviewDecision;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The events held for review, read from the review topic ({@code topics.review}), and the decisions
 * people take on them, written to the decisions topic ({@code topics.decisions}). Workflows write a
 * review record with status {@code pending}, keyed by review id. A decision goes to the decisions
 * topic only, with who took it; the workflow that held the review checks it there (it must name a
 * review it holds, still pending), marks the review {@code approved} or {@code rejected} under the
 * same key, and resumes the event after the reviewed step (approved) or ends it (rejected). The latest
 * record of a key is thus the review's state, and the topic keeps who decided what.
 *
 * <p>Checking here that a review is pending gives a person a clear answer at once; the workflow's
 * check is the one that counts. Two decisions sent before the workflow read the first (two people
 * at once) are both accepted here, and the workflow refuses the second.
 */
public final class ReviewQueue {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private final String bootstrapServers;
    private final Map<String, String> clientProperties;
    private final String topic;
    private final String decisionsTopic;
    private final Clock clock;

    public ReviewQueue(String bootstrapServers, Map<String, String> clientProperties, String topic, String decisionsTopic) {
        this(bootstrapServers, clientProperties, topic, decisionsTopic, Clock.systemUTC());
    }

    public ReviewQueue(String bootstrapServers, Map<String, String> clientProperties, String topic, String decisionsTopic, Clock clock) {
        this.bootstrapServers = bootstrapServers;
        this.clientProperties = clientProperties == null ? Map.of() : Map.copyOf(clientProperties);
        this.topic = topic;
        this.decisionsTopic = decisionsTopic;
        this.clock = clock;
    }

    public String topic() {
        return topic;
    }

    /** What a decision did; {@code topic} is the decisions topic it went to. */
    public record Decided(String reviewId, String decision, String workflow, String step, String topic, Map<String, Object> value) {
    }

    /**
     * Who decides.
     *
     * @param identity   who they are, as the writer knows them: {@code admin} for the admin API's token, the user on Kafka
     * @param onBehalfOf a name the caller gave that nobody verified (the admin API's {@code by}), or null
     */
    public record Decider(String identity, String onBehalfOf) {
        public Decider {
            if (identity == null || identity.isBlank()) {
                throw new IllegalArgumentException("A decision needs the identity of who takes it");
            }
        }
    }

    /** A decision that cannot be taken, with the HTTP status an API answers it with and a message that says what to do. */
    public static final class ReviewException extends RuntimeException {
        private final int status;

        public ReviewException(int status, String message) {
            super(message);
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    /** Pending reviews, oldest first, at most {@code limit}. */
    public List<JsonNode> pending(int limit) {
        List<JsonNode> pending = new ArrayList<>();
        for (JsonNode review : latest().values()) {
            if ("pending".equals(review.path("status").asText())) {
                pending.add(review);
            }
        }
        pending.sort(Comparator.comparing(review -> review.path("held_at").asText("")));
        return pending.size() > limit ? List.copyOf(pending.subList(0, limit)) : pending;
    }

    /** The review's latest record: as held, or as decided. */
    public Optional<JsonNode> find(String reviewId) {
        return Optional.ofNullable(latest().get(reviewId));
    }

    /**
     * Approves a held event: the workflow continues after the reviewed step with {@code value} as its
     * output, or, when {@code value} is null, with the best answer a model gave (highest confidence).
     */
    public Decided approve(String reviewId, Map<String, Object> value, Decider by) {
        JsonNode review = pendingReview(reviewId);
        Map<String, Object> approved = value != null ? value : bestAnswer(review).orElseThrow(() -> new ReviewException(400,
                "Review " + reviewId + " has no model answer to approve (held because: " + review.path("reason").asText()
                        + "). Give the step's output instead, e.g. --value '{\"label\":\"billing\"}'"));
        return decide(review, true, approved, by, null);
    }

    /** Rejects a held event: the workflow ends it, no task is written. */
    public Decided reject(String reviewId, Decider by, String note) {
        return decide(pendingReview(reviewId), false, null, by, note);
    }

    private JsonNode pendingReview(String reviewId) {
        JsonNode review = find(reviewId).orElseThrow(() -> new ReviewException(404, "No review '" + reviewId + "' in topic " + topic
                + "; `switchboard review list` shows the pending ones"));
        String status = review.path("status").asText();
        if (!"pending".equals(status)) {
            throw new ReviewException(409, "Review " + reviewId + " was already " + status + " by "
                    + review.path("decided_by").asText("someone") + " at " + review.path("decided_at").asText("an earlier time")
                    + "; a review is decided once");
        }
        if (!review.path("event").isObject()) {
            throw new ReviewException(422, "Review " + reviewId + " names no event to resume; it cannot be decided");
        }
        return review;
    }

    private Decided decide(JsonNode review, boolean approved, Map<String, Object> value, Decider by, String note) {
        String id = review.path("review_id").asText();
        ReviewDecision decision = new ReviewDecision(id, review.path("workflow").asText(), approved, value, by.identity(), by.onBehalfOf(),
                note == null || note.isBlank() ? null : note, clock.instant().toString());
        try (KafkaProducer<byte[], byte[]> producer = producer()) {
            producer.send(decision.record(decisionsTopic)).get(30, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka at " + bootstrapServers + " did not take the decision on " + id + ": "
                    + (e.getCause() == null ? e : e.getCause()).getMessage() + ". Nothing changed: the review stays pending; decide it again", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while deciding " + id, e);
        }
        return new Decided(id, approved ? "approved" : "rejected", review.path("workflow").asText(), review.path("step").asText(),
                decisionsTopic, value);
    }

    /** The answer of the candidate with the highest confidence that has an output. */
    static Optional<Map<String, Object>> bestAnswer(JsonNode review) {
        JsonNode best = null;
        for (JsonNode candidate : review.path("candidates")) {
            JsonNode output = candidate.path("output");
            if (output.isObject() && (best == null
                    || output.path("confidence").asDouble(0) > best.path("confidence").asDouble(0))) {
                best = output;
            }
        }
        return best == null ? Optional.empty() : Optional.of(JsonValues.toMap(best));
    }

    /** The latest record of every review id, in the order the topic holds them. */
    private Map<String, JsonNode> latest() {
        Map<String, JsonNode> latest = new LinkedHashMap<>();
        read((id, value) -> {
            latest.remove(id); // a tombstone (null) removes the review; a record moves it to the end
            if (value != null) {
                latest.put(id, value);
            }
        });
        return latest;
    }

    /** A held event and the decision that approved it with a corrected value. */
    public record Correction(JsonNode held, JsonNode decided) {
    }

    /**
     * Every review approved with a corrected value, with the record that held it (its event and the models' answers), oldest
     * first; a correction whose held record the topic no longer has is left out.
     */
    public List<Correction> corrections() {
        Map<String, JsonNode> held = new LinkedHashMap<>();
        List<Correction> corrections = new ArrayList<>();
        read((id, value) -> {
            if (value == null) {
                return;
            }
            if ("pending".equals(value.path("status").asText())) {
                held.put(id, value);
            } else if ("approved".equals(value.path("status").asText()) && value.path("value").isObject() && !value.path("value").isEmpty()
                    && held.containsKey(id)) {
                corrections.add(new Correction(held.get(id), value));
            }
        });
        return corrections;
    }

    /** Each record of the topic in order: its review id and value (null for a tombstone); records that are not reviews are skipped. */
    private void read(java.util.function.BiConsumer<String, JsonNode> each) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<PartitionInfo> partitions = consumer.partitionsFor(topic, READ_TIMEOUT);
            if (partitions == null || partitions.isEmpty()) {
                return;
            }
            List<TopicPartition> assigned = partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(assigned);
            consumer.seekToBeginning(assigned);
            Map<TopicPartition, Long> ends = consumer.endOffsets(assigned, READ_TIMEOUT);
            long deadline = System.nanoTime() + READ_TIMEOUT.toNanos();
            while (!caughtUp(consumer, ends)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Could not read topic " + topic + " to its end within " + READ_TIMEOUT.toSeconds()
                            + " s from Kafka at " + bootstrapServers);
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    if (record.key() == null) {
                        continue;
                    }
                    String id = new String(record.key(), StandardCharsets.UTF_8);
                    if (record.value() == null) {
                        each.accept(id, null);
                        continue;
                    }
                    try {
                        JsonNode value = JSON.readTree(record.value());
                        if (value != null && value.isObject()) {
                            each.accept(id, value);
                        }
                    } catch (IOException e) {
                        // not a review record; the topic is ours, but a stray write must not stop the queue
                    }
                }
            }
        }
    }

    private static boolean caughtUp(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            if (consumer.position(end.getKey()) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Properties properties = new Properties();
        properties.putAll(clientProperties);
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(8 * 1024 * 1024));
        return new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    private KafkaProducer<byte[], byte[]> producer() {
        Properties properties = new Properties();
        properties.putAll(clientProperties);
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        properties.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(8 * 1024 * 1024));
        return new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
