package dev.switchboard.workflows.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.schemas.Task;
import dev.switchboard.workflows.cli.EventPublisher;
import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.workflows.model.WorkflowLoader;
import dev.switchboard.workflows.testing.SharedKafka;
import dev.switchboard.workflows.testing.TaskReceiver;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The spine end to end on the real (embedded) Kafka broker and a real HTTP receiver. */
@ExtendWith(SharedKafka.class)
class EngineIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(90);

    @TempDir
    Path dir;

    private String bootstrap;
    private String suffix;
    private TaskReceiver receiver;
    private final List<Engine> engines = new ArrayList<>();

    @BeforeEach
    void setUp(SharedKafka.Bootstrap kafka) throws Exception {
        bootstrap = kafka.servers();
        suffix = UUID.randomUUID().toString().substring(0, 8);
        receiver = new TaskReceiver();
        Files.writeString(dir.resolve("wf.yaml"), """
                name: it-%s
                on:
                  topic: it.events.%s
                  types: [ticket.created]
                  start: earliest
                steps:
                  - id: create-task
                    when: "event.data.priority != 'low'"
                    task:
                      sink: receiver
                      title: "{{ event.data.subject }}"
                      body: "{{ event.data.body }}"
                      fields:
                        ticket: "{{ event.data.ticket_id }}"
                """.formatted(suffix, suffix));
    }

    @AfterEach
    void tearDown() {
        engines.forEach(Engine::close);
        if (receiver != null) {
            receiver.close();
        }
    }

    private Engine startEngine() {
        return startEngine(200);
    }

    private Engine startEngine(long maxBackoffMillis) {
        String configText = """
                kafka:
                  bootstrap_servers: %s
                topics:
                  tasks: it.tasks.%s
                  dead_letter: it.dlq.%s
                  deliveries: it.deliveries.%s
                sinks:
                  receiver:
                    webhook:
                      url: %s
                      timeout_seconds: 5
                outbound:
                  allowed_hosts: [%s]
                http:
                  port: 0
                delivery:
                  max_attempts: 6
                  initial_backoff_ms: 10
                  max_backoff_ms: %d
                """.formatted(bootstrap, suffix, suffix, suffix, receiver.url(), receiver.hostAndPort(), maxBackoffMillis);
        EngineConfigLoader.Result config = EngineConfigLoader.standard().parse("it.yaml", configText, dir);
        assertThat(config.problems()).isEmpty();
        Engine engine = Engine.builder(config.config()).build();
        WorkflowLoader.Result workflow = engine.loader().load(dir.resolve("wf.yaml"));
        assertThat(workflow.problems()).isEmpty();
        engine.start(List.of(workflow.workflow()));
        engines.add(engine);
        return engine;
    }

    private static String ticket(int i) {
        return "{\"specversion\":\"1.0\",\"id\":\"evt-" + i + "\",\"source\":\"/it\",\"type\":\"ticket.created\","
                + "\"subject\":\"customer-" + (i % 37) + "\",\"time\":\"2026-11-02T09:00:00Z\","
                + "\"data\":{\"ticket_id\":\"" + i + "\",\"subject\":\"Ticket " + i + "\",\"body\":\"Body " + i + "\",\"priority\":\"normal\"}}";
    }

    private int publish(int from, int to) throws Exception {
        StringBuilder lines = new StringBuilder();
        for (int i = from; i < to; i++) {
            lines.append(ticket(i)).append('\n');
        }
        return EventPublisher.publish(bootstrap, Map.of(), "it.events." + suffix, new StringReader(lines.toString()));
    }

    private void assertEveryEventHasExactlyOneTask(int events) throws Exception {
        Map<String, String> tasks = receiver.tasks();
        assertThat(tasks).hasSize(events);
        Map<String, Integer> perEvent = new HashMap<>();
        for (Map.Entry<String, String> entry : tasks.entrySet()) {
            JsonNode task = JSON.readTree(entry.getValue());
            assertThat(task.path("id").asText()).isEqualTo(entry.getKey());
            perEvent.merge(task.path("eventId").asText(), 1, Integer::sum);
        }
        for (int i = 0; i < events; i++) {
            assertThat(perEvent.get("evt-" + i)).as("tasks for evt-" + i).isEqualTo(1);
            assertThat(tasks).containsKey(Task.idFor("it-" + suffix, "/it", "evt-" + i, "create-task"));
        }
    }

    @Test
    void should_deliver_each_task_exactly_once_when_500_events_flow_through() throws Exception {
        // given
        startEngine();

        // when
        publish(0, 500);

        // then
        await().atMost(PATIENCE).until(() -> receiver.tasks().size() >= 500);
        assertEveryEventHasExactlyOneTask(500);
        assertThat(receiver.duplicates()).isZero();
    }

    @Test
    void should_deliver_a_task_for_each_source_when_two_sources_send_the_same_event_id() throws Exception {
        // given
        startEngine();

        // when Zendesk and GitHub each send an event with id 42 (ids are unique only within a source)
        String zendesk = ticket(42).replace("\"id\":\"evt-42\",\"source\":\"/it\"", "\"id\":\"42\",\"source\":\"/zendesk\"");
        String github = ticket(42).replace("\"id\":\"evt-42\",\"source\":\"/it\"", "\"id\":\"42\",\"source\":\"/github\"");
        EventPublisher.publish(bootstrap, Map.of(), "it.events." + suffix, new StringReader(zendesk + "\n" + github + "\n"));

        // then neither suppresses the other: two tasks are delivered, one per source
        await().atMost(PATIENCE).until(() -> receiver.tasks().size() >= 2);
        assertThat(receiver.tasks()).containsOnlyKeys(Task.idFor("it-" + suffix, "/zendesk", "42", "create-task"),
                Task.idFor("it-" + suffix, "/github", "42", "create-task"));
        assertThat(receiver.duplicates()).isZero();
    }

    @Test
    void should_deliver_everything_when_receiver_fails_first_attempts() throws Exception {
        // given a receiver that answers 503 twice to every task, then a second run with 429 + Retry-After
        receiver.failFirst(2, 503);
        Engine engine = startEngine();

        // when
        publish(0, 500);

        // then every task arrives once, after retries
        await().atMost(PATIENCE).until(() -> receiver.tasks().size() >= 500);
        assertEveryEventHasExactlyOneTask(500);
        assertThat(receiver.requests()).isGreaterThanOrEqualTo(1500);
        // (the receiver holds a task before it answers; the engine counts it once it has read the answer)
        await().atMost(PATIENCE).until(() -> engine.counters().get("delivery").getOrDefault("delivered", 0L) >= 500L);
        assertThat(engine.counters().get("delivery")).containsEntry("delivered", 500L);
    }

    @Test
    void should_honour_retry_after_when_receiver_answers_429() throws Exception {
        // given a receiver that answers 429 with Retry-After: 2 s, far longer than the 10 ms backoff, and a cap that allows it
        receiver.failFirst(1, 429, Duration.ofSeconds(2));
        startEngine(5_000);

        // when
        publish(0, 100);

        // then every task arrives once, and no key was tried again before the second it was asked to wait
        await().atMost(PATIENCE).until(() -> receiver.tasks().size() >= 100);
        assertEveryEventHasExactlyOneTask(100);
        Map<String, Long> earlyRetries = new HashMap<>();
        receiver.history().forEach((key, attempts) -> {
            assertThat(attempts).as("attempts for " + key).hasSizeGreaterThanOrEqualTo(2);
            assertThat(attempts.get(0).status()).isEqualTo(429);
            long gapMillis = Duration.ofNanos(attempts.get(1).nanos() - attempts.get(0).nanos()).toMillis();
            if (gapMillis < 1_950) {
                earlyRetries.put(key, gapMillis);
            }
        });
        assertThat(receiver.history()).hasSize(100);
        assertThat(earlyRetries).as("keys retried sooner than Retry-After allows, with the gap in ms").isEmpty();
    }

    @Test
    void should_lose_nothing_when_engine_is_stopped_and_restarted_mid_stream() throws Exception {
        // given an engine halfway through 500 events
        Engine first = startEngine();
        publish(0, 500);
        await().atMost(PATIENCE).until(() -> receiver.tasks().size() >= 100);

        // when it stops and a new engine takes over
        first.close();
        int seenBeforeRestart = receiver.tasks().size();
        startEngine();

        // then every event ends with exactly one task; any redelivery was absorbed by the idempotency key
        await().atMost(PATIENCE).until(() -> receiver.tasks().size() >= 500);
        assertEveryEventHasExactlyOneTask(500);
        assertThat(seenBeforeRestart).isLessThanOrEqualTo(500);
    }

    @Test
    void should_dead_letter_bad_events_with_reason_and_original_bytes_when_they_are_malformed() throws Exception {
        // given
        startEngine();
        String notJson = "definitely not json";
        String missingBody = "{\"specversion\":\"1.0\",\"id\":\"bad-1\",\"source\":\"/it\",\"type\":\"ticket.created\",\"data\":{\"ticket_id\":\"1\",\"subject\":\"x\"}}";
        String wrongType = "{\"specversion\":\"1.0\",\"id\":\"bad-2\",\"source\":\"/it\",\"type\":\"ticket.created\",\"data\":{\"ticket_id\":2,\"subject\":\"x\",\"body\":\"y\"}}";

        // when bad events arrive between good ones
        publish(0, 5);
        EventPublisher.publish(bootstrap, Map.of(), "it.events." + suffix, new StringReader(notJson + "\n" + missingBody + "\n" + wrongType + "\n"));
        publish(5, 10);

        // then good events are delivered and bad ones are in the dead-letter topic with their reasons
        await().atMost(PATIENCE).until(() -> receiver.tasks().size() >= 10);
        Map<String, ConsumerRecord<byte[], byte[]>> dead = new HashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            consumer.subscribe(List.of("it.dlq." + suffix));
            await().atMost(PATIENCE).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> dead.put(new String(record.value(), StandardCharsets.UTF_8), record));
                return dead.size() >= 3;
            });
        }
        assertThat(dead).containsKeys(notJson, missingBody, wrongType);
        assertThat(DeadLetters.header(dead.get(notJson).headers(), DeadLetters.REASON)).startsWith("Not JSON");
        assertThat(DeadLetters.header(dead.get(missingBody).headers(), DeadLetters.REASON)).contains("body");
        assertThat(DeadLetters.header(dead.get(wrongType).headers(), DeadLetters.REASON)).contains("ticket_id");
        assertThat(DeadLetters.header(dead.get(wrongType).headers(), DeadLetters.STAGE)).isEqualTo("workflow:it-" + suffix);
        assertEveryEventHasExactlyOneTask(10);
    }

    private KafkaConsumer<byte[], byte[]> consumer() {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, "it-reader-" + UUID.randomUUID());
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
