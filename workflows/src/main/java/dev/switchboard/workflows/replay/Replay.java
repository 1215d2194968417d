package dev.switchboard.workflows.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.schemas.Task;
import dev.switchboard.schemas.spi.StepEnvironment;
import dev.switchboard.workflows.config.Topics;
import dev.switchboard.workflows.kafka.KafkaClients;
import dev.switchboard.workflows.model.Workflow;
import dev.switchboard.workflows.runtime.AuditListener;
import dev.switchboard.workflows.runtime.InputRecord;
import dev.switchboard.workflows.runtime.WaitBudget;
import dev.switchboard.workflows.runtime.WorkflowRunner;
import dev.switchboard.workflows.streams.StreamsStages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * Runs a variant of a workflow over past events read from Kafka and compares what it would have
 * done with what the live workflow did.
 *
 * <p>The events are read from the variant's topic, by time range or offsets, by a consumer of its
 * own group ({@code switchboard.replay.<variant>}) that is assigned partitions and never commits, so
 * the live workflow's group and offsets are untouched. They go through the engine's own
 * {@link WorkflowRunner}, whose output (tasks, dead letters, reviews, audit records) is only
 * recorded here: a replay has no producer and no delivery stage, so nothing it does reaches Kafka or
 * a sink. What the live workflow did is read back from the tasks topic (tasks carry the workflow
 * in a header and their event id) and the audit topic (one record per model call, with cost and
 * latency).
 */
public final class Replay {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration TIMEOUT = Duration.ofSeconds(60);
    /** Topic names the runner writes to; nothing is ever sent to them. */
    static final String RECORDED_TASKS = "replay.recorded.tasks";
    static final String RECORDED_DEAD_LETTERS = "replay.recorded.dead-letters";
    static final String RECORDED_REVIEWS = "replay.recorded.review";
    static final String RECORDED_AUDIT = "replay.recorded.audit";
    /** The runner writes no receipts; the name only completes its topics. */
    private static final String RECORDED_DELIVERIES = "replay.recorded.deliveries";
    private static final String RECORDED_DECISIONS = "replay.recorded.decisions";

    /**
     * @param variant      the workflow to run
     * @param live         the name of the live workflow to compare with
     * @param from         first event time, or null for the beginning (or {@code fromOffset})
     * @param to           events before this time, or null for up to now (or {@code toOffset})
     * @param fromOffset   first offset in every partition, when {@code from} is null; null for the beginning
     * @param toOffset     offsets below this in every partition, when {@code to} is null; null for the end
     * @param limit        at most this many events; 0 for all
     * @param batchSize    events per batch through the workflow
     * @param tolerance    numbers (scores, confidences) that differ by at most this do not count as a disagreement
     */
    public record Request(Workflow variant, String live, Instant from, Instant to, Long fromOffset, Long toOffset, int limit, int batchSize,
                          double tolerance) {
    }

    /** Told how many events are done. */
    @FunctionalInterface
    public interface Progress {
        void update(int done, int total);
    }

    /**
     * Where the live topics are.
     *
     * @param bootstrapServers the cluster
     * @param clientProperties extra client settings (security)
     * @param tasksTopic       the outbox the live workflow writes
     * @param auditTopic       the audit topic of model calls
     */
    public record Cluster(String bootstrapServers, Map<String, String> clientProperties, String tasksTopic, String auditTopic) {
    }

    private final Cluster cluster;
    private final StepEnvironment environment;

    public Replay(Cluster cluster, StepEnvironment environment) {
        this.cluster = cluster;
        this.environment = environment;
    }

    public ReplayReport run(Request request, Progress progress) {
        long started = System.nanoTime();
        Workflow variant = StreamsStages.effective(request.variant());
        Set<String> types = Set.copyOf(variant.on().types());
        List<ConsumerRecord<byte[], byte[]>> events = read(variant.on().topic(), request.from(), request.to(),
                request.fromOffset(), request.toOffset(), request.limit(), "switchboard.replay." + request.variant().name(),
                record -> types.contains(eventField(record.value(), "type")));
        List<String> ids = new ArrayList<>();
        Map<String, List<Task>> recorded = new HashMap<>();
        List<Map<String, Object>> recordedAudit = new ArrayList<>();
        int deadLetters = 0;
        int reviews = 0;
        Instant earliest = null;
        try (WorkflowRunner runner = new WorkflowRunner(variant, environment,
                new Topics(RECORDED_TASKS, RECORDED_DEAD_LETTERS, RECORDED_DELIVERIES, RECORDED_REVIEWS, RECORDED_AUDIT, RECORDED_DECISIONS),
                WorkflowRunner.stepRetries(WaitBudget.limit(Map.of())), List.of(new AuditListener(RECORDED_AUDIT)))) {
            progress.update(0, events.size());
            for (int start = 0; start < events.size(); start += request.batchSize()) {
                List<InputRecord> batch = new ArrayList<>();
                for (ConsumerRecord<byte[], byte[]> record : events.subList(start, Math.min(events.size(), start + request.batchSize()))) {
                    batch.add(new InputRecord(record.topic(), record.partition(), record.offset(), record.key(), record.value(), record.headers()));
                    String id = eventField(record.value(), "id");
                    ids.add(id == null ? record.partition() + ":" + record.offset() : id);
                    Instant time = Instant.ofEpochMilli(record.timestamp());
                    earliest = earliest == null || time.isBefore(earliest) ? time : earliest;
                }
                for (ProducerRecord<byte[], byte[]> out : runner.process(batch)) {
                    switch (out.topic()) {
                        case RECORDED_TASKS -> {
                            Task task = json(out.value(), Task.class);
                            recorded.computeIfAbsent(task.eventId(), id -> new ArrayList<>()).add(task);
                        }
                        case RECORDED_DEAD_LETTERS -> deadLetters++;
                        case RECORDED_REVIEWS -> reviews++;
                        case RECORDED_AUDIT -> recordedAudit.add(map(out.value()));
                        default -> {
                            // other stage outputs are not compared
                        }
                    }
                }
                progress.update(Math.min(events.size(), start + request.batchSize()), events.size());
            }
        }
        Set<String> wanted = new LinkedHashSet<>(ids);
        // The live workflow wrote its tasks and audit records after reading the events: from the first event's time on.
        Instant since = earliest == null ? Instant.now() : earliest.minusSeconds(60);
        Map<String, List<Task>> live = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> record : read(cluster.tasksTopic(), since, null, null, null, 0,
                "switchboard.replay." + request.variant().name(), record -> request.live().equals(header(record, "switchboard.workflow")))) {
            Task task = json(record.value(), Task.class);
            if (task != null && wanted.contains(task.eventId())) {
                live.computeIfAbsent(task.eventId(), id -> new ArrayList<>()).add(task);
            }
        }
        List<Map<String, Object>> liveAudit = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : read(cluster.auditTopic(), since, null, null, null, 0,
                "switchboard.replay." + request.variant().name(), record -> true)) {
            Map<String, Object> call = map(record.value());
            if (call != null && request.live().equals(call.get("workflow")) && wanted.contains(String.valueOf(call.get("event_id")))) {
                liveAudit.add(call);
            }
        }
        Agreement agreement = Agreement.of(ids, live, recorded, request.tolerance());
        return new ReplayReport(request.variant().name(), request.live(), variant.on().topic(), describe(request),
                agreement, CallStats.of(liveAudit, ids.size()), CallStats.of(recordedAudit, ids.size()),
                recorded.values().stream().mapToInt(List::size).sum(), live.values().stream().mapToInt(List::size).sum(),
                deadLetters, reviews, (System.nanoTime() - started) / 1e9);
    }

    private static String describe(Request request) {
        StringBuilder range = new StringBuilder();
        range.append(request.from() != null ? "from " + request.from() : request.fromOffset() != null ? "from offset " + request.fromOffset() : "from the beginning");
        range.append(request.to() != null ? " to " + request.to() : request.toOffset() != null ? " to offset " + request.toOffset() : " to the end");
        if (request.limit() > 0) {
            range.append(", at most ").append(request.limit()).append(" events");
        }
        return range.toString();
    }

    /** Records of a topic in a range, in partition order, with a consumer that is assigned partitions and never commits. */
    List<ConsumerRecord<byte[], byte[]>> read(String topic, Instant from, Instant to, Long fromOffset, Long toOffset, int limit,
                                              String group, Predicate<ConsumerRecord<byte[], byte[]>> keep) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(cluster.bootstrapServers(), cluster.clientProperties(), Map.of(
                ConsumerConfig.GROUP_ID_CONFIG, group,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false",
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "2000"))) {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, TIMEOUT);
            if (infos == null || infos.isEmpty()) {
                return records;
            }
            List<TopicPartition> partitions = infos.stream().map(info -> new TopicPartition(topic, info.partition()))
                    .sorted(java.util.Comparator.comparingInt(TopicPartition::partition)).toList();
            Map<TopicPartition, Long> beginning = consumer.beginningOffsets(partitions, TIMEOUT);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, TIMEOUT);
            Map<TopicPartition, Long> starts = offsets(consumer, partitions, from, fromOffset, beginning, end);
            Map<TopicPartition, Long> stops = offsets(consumer, partitions, to, toOffset, end, end);
            Map<TopicPartition, Long> firsts = new LinkedHashMap<>();
            Map<TopicPartition, Long> remaining = new LinkedHashMap<>();
            for (TopicPartition partition : partitions) {
                long first = Math.max(beginning.get(partition), starts.get(partition));
                long stop = Math.min(end.get(partition), stops.get(partition));
                if (first < stop) {
                    firsts.put(partition, first);
                    remaining.put(partition, stop);
                }
            }
            consumer.assign(remaining.keySet());
            firsts.forEach(consumer::seek);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (!remaining.isEmpty() && (limit == 0 || records.size() < limit)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Could not read " + topic + " within " + TIMEOUT.toSeconds() + " s; is Kafka reachable?");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                    TopicPartition partition = new TopicPartition(record.topic(), record.partition());
                    Long stop = remaining.get(partition);
                    if (stop == null || record.offset() >= stop) {
                        continue;
                    }
                    if (keep.test(record) && (limit == 0 || records.size() < limit)) {
                        records.add(record);
                    }
                }
                remaining.entrySet().removeIf(entry -> consumer.position(entry.getKey()) >= entry.getValue());
            }
        }
        return records;
    }

    private static Map<TopicPartition, Long> offsets(KafkaConsumer<byte[], byte[]> consumer, List<TopicPartition> partitions, Instant time,
                                                     Long offset, Map<TopicPartition, Long> fallback, Map<TopicPartition, Long> end) {
        Map<TopicPartition, Long> result = new HashMap<>();
        if (time != null) {
            Map<TopicPartition, Long> query = new HashMap<>();
            partitions.forEach(partition -> query.put(partition, time.toEpochMilli()));
            Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, TIMEOUT);
            partitions.forEach(partition -> {
                OffsetAndTimestamp at = found.get(partition);
                result.put(partition, at == null ? end.get(partition) : at.offset());
            });
        } else {
            partitions.forEach(partition -> result.put(partition, offset != null ? offset : fallback.get(partition)));
        }
        return result;
    }

    private static String eventField(byte[] value, String field) {
        try {
            JsonNode node = value == null ? null : JSON.readTree(value);
            return node == null || !node.hasNonNull(field) ? null : node.get(field).asText();
        } catch (IOException e) {
            return null;
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static <T> T json(byte[] value, Class<T> type) {
        try {
            return JSON.readValue(value, type);
        } catch (IOException e) {
            return null;
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(byte[] value) {
        return json(value, Map.class);
    }
}
