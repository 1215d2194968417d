package dev.switchboard.workflows.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.workflows.config.KafkaSettings;
import dev.switchboard.workflows.config.StreamsSettings;
import dev.switchboard.workflows.config.Topics;
import dev.switchboard.workflows.runtime.KafkaTopics;
import dev.switchboard.workflows.testing.SharedKafka;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The dedup stage on the real (embedded) broker, stopped and started again between an event and its copies. */
@ExtendWith(SharedKafka.class)
class DedupStageIT {

    private static final Duration PATIENCE = Duration.ofSeconds(180);

    @TempDir
    Path dir;

    @Test
    void should_drop_copies_sent_after_a_restart_when_state_was_wiped_and_restored_from_the_changelog(SharedKafka.Bootstrap kafka) throws Exception {
        // given a dedup stage between two fresh topics
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String input = "it.dedup.raw." + suffix;
        String output = "it.dedup.unique." + suffix;
        KafkaTopics.create(kafka.servers(), Map.of(), Set.of(input, output), 3, (short) 1);
        StreamsSettings settings = new StreamsSettings("state", null, null,
                new StreamsSettings.Dedup(input, output, "PT24H", "event.id"), null, null, null);
        SimpleMeterRegistry registry = new SimpleMeterRegistry();

        // when 50 events (each sent twice) go through the first run
        try (StreamsStages first = stages(settings, registry)) {
            first.start(List.of(), kafka.servers(), Map.of(), null);
            publish(kafka.servers(), input, 0, 50);
            publish(kafka.servers(), input, 0, 50);
            await().atMost(PATIENCE).until(() -> count(registry, "passed") + count(registry, "dropped") >= 100);
        }
        assertThat(readAll(kafka.servers(), output, 50)).hasSize(50);

        // and the local state is lost, then the stage starts again and gets copies of all of them plus 25 new events
        deleteRecursively(dir.resolve("state"));
        try (StreamsStages second = stages(settings, registry)) {
            second.start(List.of(), kafka.servers(), Map.of(), null);
            assertThat(second.awaitRunning(PATIENCE)).isTrue();
            publish(kafka.servers(), input, 0, 75);
            await().atMost(PATIENCE).until(() -> count(registry, "passed") + count(registry, "dropped") >= 175);
            assertThat(second.stages().get(StreamsNames.EngineStage.DEDUP.application()).state()).isEqualTo(KafkaStreams.State.RUNNING);
        }

        // then each event is on the output once: the copies were recognised from the restored store
        List<String> ids = readAll(kafka.servers(), output, 75).stream()
                .map(value -> value.replaceAll(".*\"id\":\"(evt-[0-9]+)\".*", "$1")).toList();
        assertThat(ids).hasSize(75).doesNotHaveDuplicates();
        assertThat(count(registry, "dropped")).isEqualTo(100);
        assertThat(count(registry, "passed")).isEqualTo(75);
    }

    private StreamsStages stages(StreamsSettings settings, SimpleMeterRegistry registry) {
        return new StreamsStages(settings, Topics.defaults(), KafkaSettings.defaults(), dir, name -> Optional.empty(), registry);
    }

    private static double count(SimpleMeterRegistry registry, String outcome) {
        var counter = registry.find("switchboard.streams.events").tag("stage", "dedup").tag("outcome", outcome).counter();
        return counter == null ? 0 : counter.count();
    }

    private static void publish(String bootstrap, String topic, int from, int to) throws Exception {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = from; i < to; i++) {
                String account = "acct-" + (i % 7);
                producer.send(new ProducerRecord<>(topic, account.getBytes(StandardCharsets.UTF_8),
                        Events.ticket("evt-" + i, account, Instant.now())));
            }
            producer.flush();
        }
    }

    private static List<String> readAll(String bootstrap, String topic, int expected) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, "it.reader." + UUID.randomUUID());
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            // read until the expected count, then a little longer so that extra copies would show
            long quietUntil = Long.MAX_VALUE;
            while (System.nanoTime() < Math.min(deadline, quietUntil)) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
                    values.add(new String(record.value(), StandardCharsets.UTF_8));
                }
                if (values.size() >= expected && quietUntil == Long.MAX_VALUE) {
                    quietUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
                }
            }
        }
        return values;
    }

    private static void deleteRecursively(Path path) throws Exception {
        if (Files.exists(path)) {
            try (var walk = Files.walk(path)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
