package dev.switchboard.workflows.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.switchboard.llm.sim.ModelSimulator;
import dev.switchboard.schemas.events.EventParser;
import dev.switchboard.workflows.config.EngineConfig;
import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.workflows.model.WorkflowLoader;
import dev.switchboard.workflows.runtime.Engine;
import dev.switchboard.workflows.testing.SharedKafka;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The debezium-postgres source in a real engine: a PostgreSQL with logical decoding (started here),
 * the embedded Kafka broker, and the crm-lead-scoring example workflow with its score step on a
 * simulated chat model and its HubSpot sink on a local HubSpot-shaped endpoint. Row changes arrive
 * on the topic as crm.* CloudEvents, new leads become HubSpot tasks, and after a restart of the
 * engine the source resumes from its stored position.
 */
@ExtendWith(SharedKafka.class)
class DebeziumSourceIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static EmbeddedPostgres postgres;

    @TempDir
    Path dir;

    @BeforeAll
    static void startPostgres() throws IOException {
        postgres = EmbeddedPostgres.builder()
                .setServerConfig("wal_level", "logical")
                .setServerConfig("max_replication_slots", "10")
                .setServerConfig("max_wal_senders", "10")
                .start();
    }

    @AfterAll
    static void stopPostgres() throws IOException {
        if (postgres != null) {
            postgres.close();
        }
    }

    private static void sql(String... statements) {
        try (Connection connection = postgres.getPostgresDatabase().getConnection(); Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    private static boolean slotActive(String slot) {
        try (Connection connection = postgres.getPostgresDatabase().getConnection(); Statement statement = connection.createStatement();
             var result = statement.executeQuery("SELECT active FROM pg_replication_slots WHERE slot_name = '" + slot + "'")) {
            return result.next() && result.getBoolean(1);
        } catch (SQLException e) {
            return false;
        }
    }

    @Test
    void should_publish_crm_events_and_create_hubspot_tasks_for_scored_leads_when_crm_rows_change(SharedKafka.Bootstrap kafka)
            throws Exception {
        // given the CRM's tables, a chat model that scores by job title, and a HubSpot-shaped endpoint
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String topic = "it.crm." + suffix;
        sql("CREATE SCHEMA crm_it",
                "CREATE TABLE crm_it.leads (id bigint PRIMARY KEY, first_name text, last_name text, email text, company_name text, "
                        + "job_title text, lead_source text, notes text, employee_count integer, owner_id text)",
                "CREATE TABLE crm_it.contacts (id integer PRIMARY KEY, email text)");
        try (ModelSimulator model = ModelSimulator.start().answers(DebeziumSourceIT::score);
             HubSpotTasks hubspot = new HubSpotTasks()) {
            Path workflow = exampleOnTopic("crm-lead-scoring.yaml", topic);
            Files.writeString(dir.resolve("hubspot.token"), "pat-na1-it-token\n");
            Files.writeString(dir.resolve("crm.password"), "unused-with-trust-auth\n");
            String config = """
                    kafka:
                      bootstrap_servers: %s
                      streams:
                        state_dir: streams
                        crm: {topics: [%s]}
                    topics:
                      tasks: it.crm.tasks.%s
                      dead_letter: it.crm.dlq.%s
                      deliveries: it.crm.deliveries.%s
                    http:
                      port: 0
                    models:
                      fast:
                        base_url: %s
                        model: qwen2.5-7b-instruct
                        timeout_seconds: 5
                    sinks:
                      hubspot-tasks:
                        hubspot:
                          base_url: %s
                          token_file: hubspot.token
                          default_owner_id: "100"
                    outbound:
                      allowed_hosts: [%s]
                    sources:
                      crm-database:
                        debezium-postgres:
                          hostname: 127.0.0.1
                          port: %d
                          database: postgres
                          user: postgres
                          password_file: crm.password
                          ssl_mode: disable
                          topic: %s
                          snapshot_mode: no_data
                          slot_name: switchboard_it_%s
                          publication_name: switchboard_it_%s
                          offset_flush_ms: 100
                          tables:
                            crm_it.leads:
                              entity: lead
                              fields: { lead_id: id, first_name: first_name, last_name: last_name, email: email, company: company_name,
                                        title: job_title, source: lead_source, notes: notes, employees: employee_count, owner_id: owner_id }
                            crm_it.contacts:
                              entity: contact
                    """.formatted(kafka.servers(), topic, suffix, suffix, suffix, model.baseUrl(), hubspot.baseUrl(), hubspot.hostAndPort(),
                    postgres.getPort(), topic, suffix, suffix);
            EngineConfigLoader.Result loaded = EngineConfigLoader.standard().parse("cdc-it.yaml", config, dir);
            assertThat(loaded.problems()).isEmpty();
            String slot = "switchboard_it_" + suffix;

            try (KafkaConsumer<String, byte[]> consumer = consumer(kafka.servers(), topic)) {
                try (Engine engine = start(loaded.config(), workflow)) {
                    await().atMost(PATIENCE).until(() -> slotActive(slot));

                    // when leads and a contact are inserted, changed and deleted
                    sql("INSERT INTO crm_it.leads VALUES (1, 'Ada', 'Lovelace', 'ada@engines.example', 'Analytical Engines', "
                                    + "'VP Engineering', 'webinar', 'Budget approved for Q3, wants a demo', 250, '555')",
                            "INSERT INTO crm_it.leads VALUES (2, 'Charles', 'Babbage', 'cb@engines.example', 'Difference Ltd', "
                                    + "'Engineer', 'website', 'Asked about pricing', 40, NULL)",
                            "INSERT INTO crm_it.leads VALUES (3, 'Sam', 'Student', 'sam@uni.example', 'University', 'student', "
                                    + "'website', 'Writing a thesis', NULL, NULL)",
                            "UPDATE crm_it.leads SET notes = 'Demo booked' WHERE id = 1",
                            "INSERT INTO crm_it.contacts VALUES (7, 'grace@navy.example')",
                            "DELETE FROM crm_it.contacts WHERE id = 7");

                    // then the topic holds one CloudEvent per change, keyed by primary key, each key's changes in order
                    // (the topic's partitions are read in any order: order holds per key)
                    Map<String, List<String>> typesByKey = new java.util.TreeMap<>();
                    Map<String, JsonNode> byTypeAndKey = new java.util.HashMap<>();
                    for (ConsumerRecord<String, byte[]> record : poll(consumer, 6)) {
                        JsonNode event = json(record);
                        typesByKey.computeIfAbsent(record.key(), key -> new ArrayList<>()).add(event.path("type").asText());
                        byTypeAndKey.put(event.path("type").asText() + "/" + record.key(), event);
                        if (event.path("type").asText().equals("crm.lead.created")) {
                            assertThat(new EventParser().parse(record.value())).isInstanceOf(EventParser.Accepted.class);
                        }
                    }
                    assertThat(typesByKey).containsExactly(
                            Map.entry("1", List.of("crm.lead.created", "crm.lead.updated")),
                            Map.entry("2", List.of("crm.lead.created")),
                            Map.entry("3", List.of("crm.lead.created")),
                            Map.entry("7", List.of("crm.contact.created", "crm.contact.deleted")));
                    JsonNode created = byTypeAndKey.get("crm.lead.created/1");
                    assertThat(created.path("source").asText()).isEqualTo("/cdc/postgres/postgres/crm_it.leads");
                    assertThat(created.path("subject").asText()).isEqualTo("1");
                    assertThat(created.path("id").asText()).startsWith("cdc-");
                    assertThat(created.path("time").asText()).isNotEmpty();
                    assertThat(created.path("data").path("lead_id").asText()).isEqualTo("1");
                    assertThat(created.path("data").path("employees").asInt()).isEqualTo(250);
                    assertThat(created.path("data").path("op").asText()).isEqualTo("c");
                    assertThat(created.path("data").path("after").path("job_title").asText()).isEqualTo("VP Engineering");
                    assertThat(byTypeAndKey.get("crm.lead.updated/1").path("data").path("after").path("notes").asText()).isEqualTo("Demo booked");
                    JsonNode deleted = byTypeAndKey.get("crm.contact.deleted/7");
                    assertThat(deleted.path("data").path("before").path("id").asInt()).isEqualTo(7);
                    assertThat(deleted.path("data").path("after").isNull()).isTrue();

                    // and the hot and the warm lead became HubSpot tasks (the cold one none), each once, for the owner
                    // the territories give a lead whose company the CRM tables do not hold: the inbound SDR queue, by
                    // email, which HubSpot takes as the sink's default owner
                    await().atMost(PATIENCE).until(() -> hubspot.tasks().size() == 2);
                    JsonNode hot = hubspot.task("Call Ada Lovelace");
                    assertThat(hot.path("properties").path("hs_task_priority").asText()).isEqualTo("HIGH");
                    assertThat(hot.path("properties").path("hubspot_owner_id").asText()).isEqualTo("100");
                    assertThat(hot.path("properties").path("hs_task_subject").asText()).contains("hot lead, 92/100");
                    assertThat(hot.path("properties").path("hs_task_body").asText())
                            .contains("Score 92/100", "Decision maker with budget and timeline", "Owner: Inbound SDR queue (fallback)");
                    JsonNode warm = hubspot.task("Follow up with Charles Babbage");
                    assertThat(warm.path("properties").path("hs_task_priority").asText()).isEqualTo("MEDIUM");
                    assertThat(warm.path("properties").path("hubspot_owner_id").asText()).isEqualTo("100");
                }

                // when a lead is created while the engine is stopped, and the engine starts again
                sql("INSERT INTO crm_it.leads VALUES (4, 'Grace', 'Hopper', 'grace@navy.example', 'Navy', 'VP Operations', "
                        + "'referral', 'Needs it this quarter', 5000, '556')");
                try (Engine engine = start(loaded.config(), workflow)) {
                    // then the source resumes from its stored position: the new lead arrives, and no earlier change again
                    List<JsonNode> after = poll(consumer, 1).stream().map(DebeziumSourceIT::json).toList();
                    assertThat(after).extracting(event -> event.path("data").path("lead_id").asText()).containsExactly("4");
                    await().atMost(PATIENCE).until(() -> hubspot.tasks().size() == 3);
                    assertThat(hubspot.task("Call Grace Hopper").path("properties").path("hs_task_body").asText()).contains("Score 92/100");
                    assertThat(consumer.poll(Duration.ofSeconds(2))).isEmpty();
                    assertThat(hubspot.duplicates()).isZero();
                }
            }
        }
    }

    /** The score the simulated model gives: by job title, with one short reason. */
    private static String score(ModelSimulator.Request request) {
        String text = request.user();
        int score = text.contains("VP ") ? 92 : text.contains("student") ? 15 : 65;
        ObjectNode answer = JSON.createObjectNode().put("score", score).put("confidence", 0.9);
        answer.putArray("reasons").add(score >= 80 ? "Decision maker with budget and timeline" : "Interest, no budget yet");
        return answer.toString();
    }

    private Engine start(EngineConfig config, Path workflow) {
        Engine engine = Engine.builder(config).build();
        WorkflowLoader.Result loaded = engine.loader().load(workflow);
        assertThat(loaded.problems()).isEmpty();
        engine.start(List.of(loaded.workflow()));
        return engine;
    }

    /** The example workflow as shipped, with the territories it routes by, reading this test's topic instead of switchboard.cdc. */
    private Path exampleOnTopic(String example, String topic) throws IOException {
        String text = Files.readString(Path.of("examples").resolve(example));
        assertThat(text).contains("  topic: switchboard.cdc\n");
        Files.createDirectories(dir.resolve("data"));
        Files.copy(Path.of("examples/data/territories.yaml"), dir.resolve("data/territories.yaml"));
        Path copy = dir.resolve(example);
        Files.writeString(copy, text.replace("  topic: switchboard.cdc\n", "  topic: " + topic + "\n  start: earliest\n"));
        return copy;
    }

    private static KafkaConsumer<String, byte[]> consumer(String servers, String topic) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, "it-cdc-" + UUID.randomUUID());
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(properties, new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic));
        return consumer;
    }

    private static List<ConsumerRecord<String, byte[]>> poll(KafkaConsumer<String, byte[]> consumer, int count) {
        List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        await().atMost(PATIENCE).until(() -> {
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            return records.size() >= count;
        });
        return records;
    }

    private static JsonNode json(ConsumerRecord<String, byte[]> record) {
        try {
            return JSON.readTree(record.value());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * HubSpot's create-task endpoint as its docs describe it: {@code POST /crm/v3/objects/tasks}
     * with a bearer token, {@code 201} with the task, {@code 409} when the unique
     * {@code switchboard_task_id} property already has the value.
     */
    private static final class HubSpotTasks implements AutoCloseable {
        private final HttpServer server;
        private final Map<String, JsonNode> tasks = new ConcurrentHashMap<>();
        private final AtomicInteger duplicates = new AtomicInteger();
        private final AtomicInteger ids = new AtomicInteger(1000);

        HubSpotTasks() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/crm/v3/objects/tasks", this::handle);
            server.start();
        }

        String baseUrl() {
            return "http://" + hostAndPort();
        }

        String hostAndPort() {
            return "127.0.0.1:" + server.getAddress().getPort();
        }

        Map<String, JsonNode> tasks() {
            return Map.copyOf(tasks);
        }

        int duplicates() {
            return duplicates.get();
        }

        JsonNode task(String subjectStart) {
            return tasks.values().stream()
                    .filter(task -> task.path("properties").path("hs_task_subject").asText().startsWith(subjectStart))
                    .findFirst().orElseThrow(() -> new AssertionError("no task starting with " + subjectStart + " in " + tasks.values()));
        }

        private void handle(HttpExchange exchange) throws IOException {
            JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
            if (!"Bearer pat-na1-it-token".equals(exchange.getRequestHeaders().getFirst("Authorization"))) {
                respond(exchange, 401, "{\"status\":\"error\",\"message\":\"Authentication credentials not found.\",\"category\":\"INVALID_AUTHENTICATION\"}");
                return;
            }
            String taskId = body.path("properties").path("switchboard_task_id").asText();
            String id = Integer.toString(ids.incrementAndGet());
            if (tasks.putIfAbsent(taskId, body) != null) {
                duplicates.incrementAndGet();
                respond(exchange, 409, "{\"status\":\"error\",\"message\":\"Object already has a value for switchboard_task_id. Existing ID: "
                        + id + "\",\"category\":\"CONFLICT\"}");
                return;
            }
            respond(exchange, 201, "{\"id\":\"" + id + "\",\"properties\":" + body.path("properties") + "}");
        }

        private static void respond(HttpExchange exchange, int status, String body) throws IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
