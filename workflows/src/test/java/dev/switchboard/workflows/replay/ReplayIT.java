package dev.switchboard.workflows.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.workflows.cli.EventPublisher;
import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.workflows.cli.SwitchboardCli;
import dev.switchboard.workflows.model.WorkflowLoader;
import dev.switchboard.workflows.runtime.Engine;
import dev.switchboard.workflows.testing.SharedKafka;
import dev.switchboard.workflows.testing.TaskReceiver;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live workflow runs on the broker and delivers to a real HTTP receiver; then variants of it are
 * replayed over the same events. The receiver must see nothing more, and the replay must write
 * nothing to Kafka and leave the live workflow's offsets alone.
 */
@ExtendWith(SharedKafka.class)
class ReplayIT {

    private static final Duration PATIENCE = Duration.ofSeconds(120);
    private static final int EVENTS = 24;
    private static final List<String> TEXTS = List.of("Will it rain tomorrow?", "Sunny and 30 degrees today", "How do I bake bread?",
            "The best pizza in town", "Snow is forecast for the weekend", "A recipe for pasta with tomatoes");

    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    static Run cli(String... args) {
        java.io.StringWriter out = new java.io.StringWriter();
        java.io.StringWriter err = new java.io.StringWriter();
        int exit = SwitchboardCli.commandLine().setOut(new java.io.PrintWriter(out, true)).setErr(new java.io.PrintWriter(err, true)).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private String bootstrap;
    private String suffix;
    private TaskReceiver receiver;
    private Engine engine;

    @BeforeEach
    void setUp(SharedKafka.Bootstrap kafka) throws Exception {
        bootstrap = kafka.servers();
        suffix = UUID.randomUUID().toString().substring(0, 8);
        receiver = new TaskReceiver();
        Files.writeString(dir.resolve("switchboard.yaml"), """
                kafka:
                  bootstrap_servers: %s
                topics:
                  tasks: replay-it.tasks.%s
                  dead_letter: replay-it.dlq.%s
                  deliveries: replay-it.deliveries.%s
                  review: replay-it.review.%s
                  audit: replay-it.audit.%s
                sinks:
                  receiver:
                    webhook:
                      url: %s
                      timeout_seconds: 5
                outbound:
                  allowed_hosts: [%s]
                """.formatted(bootstrap, suffix, suffix, suffix, suffix, suffix, receiver.url(), receiver.hostAndPort()));
        Files.writeString(dir.resolve("live.yaml"), workflow("Weather, rain, sunshine, snow, temperature and the forecast"));
        Files.writeString(dir.resolve("same.yaml"), workflow("Weather, rain, sunshine, snow, temperature and the forecast"));
        Files.writeString(dir.resolve("variant.yaml"), workflow("Anything about the sky"));
    }

    private String workflow(String weather) {
        return """
                name: replay-it-%s
                on:
                  topic: replay-it.events.%s
                  types: [message.received]
                  start: earliest
                steps:
                  - id: topic
                    classify:
                      input: "{{ event.data.text }}"
                      labels:
                        weather: %s
                        food: Food, cooking, recipes, restaurants and meals
                  - id: create-task
                    task:
                      sink: receiver
                      title: "[{{ steps.topic.label }}] {{ event.data.text }}"
                      fields:
                        label: "{{ steps.topic.label }}"
                        confidence: "{{ steps.topic.confidence }}"
                """.formatted(suffix, suffix, weather);
    }

    @AfterEach
    void tearDown() {
        if (engine != null) {
            engine.close();
        }
        receiver.close();
    }

    private void runLive() throws Exception {
        EngineConfigLoader.Result config = EngineConfigLoader.standard().load(dir.resolve("switchboard.yaml"));
        assertThat(config.problems()).isEmpty();
        engine = Engine.builder(config.config()).build();
        WorkflowLoader.Result workflow = engine.loader().load(dir.resolve("live.yaml"));
        assertThat(workflow.problems()).isEmpty();
        engine.start(List.of(workflow.workflow()));
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < EVENTS; i++) {
            lines.append("""
                    {"specversion":"1.0","id":"m-%d","source":"it","type":"message.received","data":{"text":"%s"}}
                    """.formatted(i, TEXTS.get(i % TEXTS.size())));
        }
        EventPublisher.publish(bootstrap, Map.of(), "replay-it.events." + suffix, new StringReader(lines.toString()));
        await().atMost(PATIENCE).until(() -> receiver.tasks().size() >= EVENTS);
        engine.close();
        engine = null;
    }

    private Map<TopicPartition, Long> endOffsets(Admin admin, String topic) throws Exception {
        Map<TopicPartition, OffsetSpec> query = new HashMap<>();
        admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                .forEach(p -> query.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
        Map<TopicPartition, Long> offsets = new HashMap<>();
        admin.listOffsets(query).all().get().forEach((partition, info) -> offsets.put(partition, info.offset()));
        return offsets;
    }

    @Test
    void should_compare_with_the_live_tasks_and_reach_no_sink_when_replaying_variants() throws Exception {
        // given a live run that delivered every task to the receiver
        runLive();
        long delivered = receiver.requests();
        Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (Admin admin = Admin.create(properties)) {
            Map<TopicPartition, Long> tasksBefore = endOffsets(admin, "replay-it.tasks." + suffix);
            Map<TopicPartition, Long> auditBefore = endOffsets(admin, "replay-it.audit." + suffix);
            Map<TopicPartition, OffsetAndMetadata> liveOffsets = admin.listConsumerGroupOffsets("switchboard.wf.replay-it-" + suffix)
                    .partitionsToOffsetAndMetadata().get();

            // when the same workflow, then a variant with another label description, are replayed
            Run same = cli("replay", dir.resolve("same.yaml").toString(), "--out", dir.resolve("same").toString(),
                    "--min-agreement", "1.0");
            Run variant = cli("replay", dir.resolve("variant.yaml").toString(), "--out", dir.resolve("variant").toString(), "--tolerance", "0");

            // then the same workflow agrees on every event
            assertThat(same.exit()).as(same.out() + same.err()).isZero();
            JsonNode sameReport = new ObjectMapper().readTree(dir.resolve("same/replay.json").toFile());
            assertThat(sameReport.get("events").asInt()).isEqualTo(EVENTS);
            assertThat(sameReport.get("live_tasks").asInt()).isEqualTo(EVENTS);
            assertThat(sameReport.get("agreement").asDouble()).isEqualTo(1.0);
            assertThat(sameReport.at("/live_calls/calls").asInt()).isEqualTo(EVENTS);
            assertThat(sameReport.at("/variant_calls/calls").asInt()).isEqualTo(EVENTS);
            // and the variant's differences are counted: every event is accounted for once, the confidences moved
            assertThat(variant.exit()).as(variant.out() + variant.err()).isZero();
            JsonNode report = new ObjectMapper().readTree(dir.resolve("variant/replay.json").toFile());
            assertThat(report.get("variant_tasks").asInt()).isEqualTo(EVENTS);
            assertThat(report.get("same").asInt() + report.get("changed").asInt() + report.get("dropped").asInt()
                    + report.get("new").asInt() + report.get("no_task").asInt()).isEqualTo(EVENTS);
            assertThat(report.get("changed").asInt()).isPositive();
            assertThat(report.at("/attributes/fields.confidence/mean_abs_delta").asDouble()).isPositive();
            assertThat(Files.readString(dir.resolve("variant/replay.md"))).contains("# Replay: replay-it-" + suffix).contains("fields.confidence");
            assertThat(Files.readAllLines(dir.resolve("variant/diffs.jsonl"))).hasSize(report.get("changed").asInt());
            Files.createDirectories(Path.of("target/replay-it"));
            Files.copy(dir.resolve("variant/replay.md"), Path.of("target/replay-it/replay.md"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);

            // and nothing reached the sink, nothing was written to Kafka, the live workflow's offsets did not move
            assertThat(receiver.requests()).isEqualTo(delivered);
            assertThat(endOffsets(admin, "replay-it.tasks." + suffix)).isEqualTo(tasksBefore);
            assertThat(endOffsets(admin, "replay-it.audit." + suffix)).isEqualTo(auditBefore);
            assertThat(admin.listConsumerGroupOffsets("switchboard.wf.replay-it-" + suffix).partitionsToOffsetAndMetadata().get())
                    .isEqualTo(liveOffsets);
            assertThat(admin.listConsumerGroupOffsets("switchboard.replay.replay-it-" + suffix).partitionsToOffsetAndMetadata().get()).isEmpty();
        }
    }

    @Test
    void should_refuse_a_replay_when_no_cluster_is_named() throws Exception {
        // given a configuration with an embedded broker only
        Path config = dir.resolve("embedded.yaml");
        Files.writeString(config, "sinks:\n  receiver:\n    jsonl:\n      path: tasks.jsonl\n");

        // when
        Run run = cli("replay", dir.resolve("live.yaml").toString(), "--config", config.toString());

        // then
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("No Kafka cluster to read");
    }
}
