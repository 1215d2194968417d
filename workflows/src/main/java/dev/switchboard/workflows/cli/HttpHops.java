package dev.switchboard.workflows.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.workflows.kafka.KafkaClients;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Where an event's time goes on Switchboard's HTTP path, hop by hop, read from what the run left behind: the
 * client's POST start and answer, the timestamp the webhook's producer gave the event's record, the timestamp
 * the workflow's producer gave its task's record, and the first arrival at the receiver. Record timestamps are
 * wall-clock milliseconds, mapped onto {@link System#nanoTime()} once, so each hop is good to about a
 * millisecond.
 */
final class HttpHops {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One hop's median and 99th percentile over a phase's events, in ms. */
    record Hop(String name, double p50Ms, double p99Ms) {
    }

    private final Map<String, Long> written;
    private final Map<String, Long> tasked;

    private HttpHops(Map<String, Long> written, Map<String, Long> tasked) {
        this.written = written;
        this.tasked = tasked;
    }

    /**
     * Reads the events topic (keyed by event id) and the tasks topic (the task's title is the event id) from
     * the start to their current end.
     */
    static HttpHops read(String bootstrap, String eventsTopic, String tasksTopic) {
        long wallToNano = System.currentTimeMillis() * 1_000_000L - System.nanoTime();
        Function<ConsumerRecord<byte[], byte[]>, String> eventId = record -> record.key() == null ? null
                : new String(record.key(), StandardCharsets.UTF_8);
        Function<ConsumerRecord<byte[], byte[]>, String> taskTitle = record -> {
            try {
                JsonNode task = JSON.readTree(record.value());
                return task.path("title").asText(null);
            } catch (IOException e) {
                return null;
            }
        };
        return new HttpHops(timestamps(bootstrap, eventsTopic, eventId, wallToNano), timestamps(bootstrap, tasksTopic, taskTitle, wallToNano));
    }

    private static Map<String, Long> timestamps(String bootstrap, String topic, Function<ConsumerRecord<byte[], byte[]>, String> id,
                                                long wallToNano) {
        Map<String, Long> first = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(bootstrap, Map.of(),
                Map.of(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false", ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000"))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(topic, info.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    String key = id.apply(record);
                    if (key != null) {
                        first.putIfAbsent(key, record.timestamp() * 1_000_000L - wallToNano);
                    }
                }
            }
        }
        return first;
    }

    /** The hops of the events of one phase; events that never arrived are left out. */
    List<Hop> of(Map<String, HttpLoad.Post> posts, HttpArrivals receiver) {
        Map<String, List<Long>> samples = new LinkedHashMap<>();
        for (String name : List.of("POST -> event written (HTTP, handler, checks, send)", "event written -> POST answered (Kafka ack)",
                "event written -> task written (workflow: poll, batch, run)", "task written -> arrival (task ack, delivery poll, POST)")) {
            samples.put(name, new ArrayList<>());
        }
        List<List<Long>> lists = new ArrayList<>(samples.values());
        posts.forEach((id, post) -> {
            Long event = written.get(id);
            Long task = tasked.get(id);
            Long arrival = receiver.arrival(id);
            if (event == null || task == null || arrival == null) {
                return;
            }
            lists.get(0).add(event - post.started());
            lists.get(1).add(post.answered() - event);
            lists.get(2).add(task - event);
            lists.get(3).add(arrival - task);
        });
        List<Hop> hops = new ArrayList<>();
        samples.forEach((name, values) -> {
            SampleStatistics statistics = SampleStatistics.of(values);
            hops.add(new Hop(name, statistics.percentile(0.50) / 1e6, statistics.percentile(0.99) / 1e6));
        });
        return hops;
    }

    static void print(int connections, List<Hop> hops, PrintWriter out) {
        out.printf("  switchboard at %d connections, hop by hop (p50 / p99 ms; record timestamps, about 1 ms apart):%n", connections);
        for (Hop hop : hops) {
            out.printf(Locale.ROOT, "    %-62s %8.1f %8.1f%n", hop.name(), hop.p50Ms(), hop.p99Ms());
        }
    }
}
