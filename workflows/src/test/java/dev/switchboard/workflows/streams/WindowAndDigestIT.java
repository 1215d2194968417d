package dev.switchboard.workflows.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.workflows.model.WorkflowLoader;
import dev.switchboard.workflows.runtime.Engine;
import dev.switchboard.workflows.runtime.KafkaTopics;
import dev.switchboard.workflows.testing.SharedKafka;
import dev.switchboard.workflows.testing.TaskReceiver;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Windowed and scheduled workflows through the engine, on the real (embedded) broker, to a real HTTP receiver. */
@ExtendWith(SharedKafka.class)
class WindowAndDigestIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(120);

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
    }

    @AfterEach
    void tearDown() {
        engines.forEach(Engine::close);
        receiver.close();
    }

    @Test
    void should_escalate_once_when_third_ticket_arrives_after_a_restart_that_lost_local_state() throws Exception {
        // given the escalation workflow, and two acme tickets counted before the engine stops
        String topic = "it.win.events." + suffix;
        KafkaTopics.create(bootstrap, Map.of(), Set.of(topic), 3, (short) 1);
        Files.writeString(dir.resolve("escalate.yaml"), """
                name: escalate-%s
                on:
                  topic: %s
                  types: [ticket.created]
                  start: earliest
                  window:
                    key: "event.data.requester.email.lowerAscii().split('@')[1]"
                    size: PT24H
                    grace: PT10M
                    condition: "count >= 3"
                steps:
                  - id: escalate
                    task:
                      sink: receiver
                      title: "Escalation: {{ event.data.count }} tickets from {{ event.data.key }}"
                      fields:
                        account: "{{ event.data.key }}"
                """.formatted(suffix, topic));
        Engine first = start("escalate.yaml");
        publish(topic, ticket(1, "ann@acme.com", "09:00"), ticket(2, "bob@Acme.com", "10:00"), ticket(3, "cy@globex.com", "10:30"));
        await().atMost(PATIENCE).until(() -> counted(first, "escalate-" + suffix) >= 3);
        first.close();
        deleteRecursively(dir.resolve("state"));

        // when a new engine starts and the third acme ticket and a second globex one arrive, then a fourth acme one
        Engine second = start("escalate.yaml");
        publish(topic, ticket(4, "ann@acme.com", "11:00"), ticket(5, "dee@globex.com", "11:30"));
        await().atMost(PATIENCE).until(() -> receiver.tasks().size() >= 1);
        publish(topic, ticket(6, "eve@acme.com", "12:00"));
        await().atMost(PATIENCE).until(() -> counted(second, "escalate-" + suffix) >= 3);
        Thread.sleep(2000); // a second escalation, were there one, would arrive within this

        // then one escalation, for acme, counting the tickets from before the restart
        assertThat(receiver.tasks()).hasSize(1);
        JsonNode task = JSON.readTree(receiver.tasks().values().iterator().next());
        assertThat(task.path("title").asText()).isEqualTo("Escalation: 3 tickets from acme.com");
        assertThat(task.path("eventType").asText()).isEqualTo("switchboard.window.fired");
        assertThat(second.metrics().scrape()).contains("switchboard_consumer_lag{group=\"switchboard.window.escalate-" + suffix + "\"}");
    }

    @Test
    void should_deliver_digest_task_when_schedule_falls_due() throws Exception {
        // given a digest every second (checked every five), and one task written by some workflow
        Files.writeString(dir.resolve("digest.yaml"), """
                name: digest-%s
                on:
                  start: earliest
                  schedule:
                    every: PT1S
                    workflows: [triage]
                steps:
                  - id: report
                    task:
                      sink: receiver
                      title: "{{ event.data.tasks.total }} tasks, {{ event.data.tasks.by_label.billing }} billing"
                """.formatted(suffix));
        start("digest.yaml");
        publish("it.tasks." + suffix, "{\"id\":\"t1\",\"workflow\":\"triage\",\"sink\":\"crm\",\"fields\":{\"label\":\"billing\"}}");

        // when / then a digest counting it becomes a task
        await().atMost(PATIENCE).until(() -> receiver.tasks().values().stream().anyMatch(body -> body.contains("1 tasks, 1 billing")));
    }

    private Engine start(String workflowFile) {
        String config = """
                kafka:
                  bootstrap_servers: %s
                  streams:
                    state_dir: state
                topics:
                  tasks: it.tasks.%s
                  dead_letter: it.dlq.%s
                  deliveries: it.deliveries.%s
                  review: it.review.%s
                  audit: it.audit.%s
                sinks:
                  receiver:
                    webhook:
                      url: %s
                outbound:
                  allowed_hosts: [%s]
                http:
                  port: -1
                """.formatted(bootstrap, suffix, suffix, suffix, suffix, suffix, receiver.url(), receiver.hostAndPort());
        EngineConfigLoader.Result loaded = EngineConfigLoader.standard().parse("it.yaml", config, dir);
        assertThat(loaded.problems()).isEmpty();
        Engine engine = Engine.builder(loaded.config()).build();
        engines.add(engine);
        WorkflowLoader.Result workflow = engine.loader().load(dir.resolve(workflowFile));
        assertThat(workflow.problems()).isEmpty();
        engine.start(List.of(workflow.workflow()));
        return engine;
    }

    private static double counted(Engine engine, String workflow) {
        var counter = engine.metrics().registry().find("switchboard.streams.events")
                .tag("stage", "window:" + workflow).tag("outcome", "counted").counter();
        return counter == null ? 0 : counter.count();
    }

    private static String ticket(int n, String email, String time) {
        return "{\"specversion\":\"1.0\",\"id\":\"tkt-" + n + "\",\"source\":\"/it\",\"type\":\"ticket.created\","
                + "\"time\":\"2026-11-02T" + time + ":00Z\",\"data\":{\"ticket_id\":\"" + n + "\",\"subject\":\"S\",\"body\":\"B\","
                + "\"requester\":{\"email\":\"" + email + "\"}}}";
    }

    private void publish(String topic, String... values) throws Exception {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (String value : values) {
                producer.send(new ProducerRecord<>(topic, ("k" + value.hashCode()).getBytes(StandardCharsets.UTF_8),
                        value.getBytes(StandardCharsets.UTF_8))).get();
            }
        }
    }

    private static void deleteRecursively(Path path) throws Exception {
        if (Files.exists(path)) {
            try (var walk = Files.walk(path)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
