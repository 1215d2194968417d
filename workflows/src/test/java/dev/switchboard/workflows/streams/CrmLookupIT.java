package dev.switchboard.workflows.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.schemas.spi.CrmLookup;
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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two engine instances share the CRM tables' partitions on the real (embedded) broker; each answers
 * every lookup, asking the other for the keys it holds, and a workflow on both routes each ticket to
 * the owner of its account.
 */
@ExtendWith(SharedKafka.class)
class CrmLookupIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(120);
    private static final int COMPANIES = 12;

    @TempDir
    Path dir;

    private final List<Engine> engines = new ArrayList<>();
    private TaskReceiver receiver;

    @AfterEach
    void tearDown() {
        engines.forEach(Engine::close);
        if (receiver != null) {
            receiver.close();
        }
    }

    @Test
    void should_answer_every_key_on_both_instances_when_the_other_holds_it(SharedKafka.Bootstrap kafka) throws Exception {
        // given CRM changes for 12 companies and 3 owners, one company renamed and one deleted
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String crmTopic = "it.crm." + suffix;
        String tickets = "it.tickets." + suffix;
        KafkaTopics.create(kafka.servers(), Map.of(), Set.of(crmTopic, tickets), 3, (short) 1);
        // keyed by entity id, as Debezium keys them, so one entity's changes stay in order
        List<Map.Entry<String, byte[]>> changes = new ArrayList<>();
        for (int o = 0; o < 3; o++) {
            changes.add(Map.entry("o" + o, Events.change("crm.owner.created", "c", "null", "{\"id\":\"o" + o + "\",\"email\":\"owner" + o + "@ours.test\"}")));
        }
        for (int c = 0; c < COMPANIES; c++) {
            changes.add(Map.entry("co" + c, Events.change("crm.company.created", "c", "null", company(c, "Company " + c))));
        }
        changes.add(Map.entry("co4", Events.change("crm.company.updated", "u", company(4, "Company 4"), company(4, "Renamed 4"))));
        changes.add(Map.entry("co11", Events.change("crm.company.deleted", "d", company(11, "Company 11"), "null")));
        publish(kafka.servers(), crmTopic, changes);

        // and two engines with the CRM tables and a routing workflow
        receiver = new TaskReceiver();
        Files.writeString(dir.resolve("route.yaml"), """
                name: route-%s
                on:
                  topic: %s
                  types: [ticket.created]
                  start: earliest
                steps:
                  - id: account
                    crm.lookup:
                      entity: company
                      by: domain
                      key: "{{ event.data.requester.email }}"
                      required: true
                  - id: owner
                    crm.lookup:
                      entity: owner
                      key: "{{ steps.account.record.owner_id }}"
                  - id: assign
                    task:
                      sink: receiver
                      title: "[{{ steps.account.record.name }}] {{ event.data.subject }}"
                      owner: "{{ steps.owner.record.email }}"
                      fields:
                        account: "{{ steps.account.id }}"
                """.formatted(suffix, tickets));
        Engine a = start(kafka.servers(), suffix, crmTopic, "a");
        Engine b = start(kafka.servers(), suffix, crmTopic, "b");

        // when both run and share the partitions
        KafkaStreams streamsA = crmStreams(a);
        KafkaStreams streamsB = crmStreams(b);
        await().atMost(PATIENCE).until(() -> streamsA.state() == KafkaStreams.State.RUNNING && streamsB.state() == KafkaStreams.State.RUNNING
                && streamsA.metadataForAllStreamsClients().size() == 2
                && streamsA.metadataForAllStreamsClients().stream().allMatch(client -> !client.topicPartitions().isEmpty()));

        // then each instance finds every company, by id and by domain, wherever it lives
        Set<Integer> heldByB = new HashSet<>();
        for (int c = 0; c < COMPANIES; c++) {
            KeyQueryMetadata metadata = streamsA.queryMetadataForKey(StreamsNames.crmTable("company"), "co" + c, Serdes.String().serializer());
            if (metadata.activeHost().port() == b.httpPort()) {
                heldByB.add(c);
            }
            for (Engine engine : List.of(a, b)) {
                int company = c;
                CrmTables tables = engine.streams().crm().orElseThrow();
                // a 503 from the other instance while its store restores after the rebalance is the "try again" the engine retries
                Optional<Map<String, Object>> byDomain = await().atMost(PATIENCE).ignoreException(CrmLookup.UnavailableException.class).until(
                        () -> tables.find("company", "domain", "someone@C" + company + ".example.com"), found -> company == 11 || found.isPresent());
                if (c == 11) {
                    assertThat(byDomain).as("deleted company").isEmpty();
                    assertThat(tables.find("company", "id", "co11")).isEmpty();
                } else {
                    assertThat(byDomain.orElseThrow()).containsEntry("id", "co" + c)
                            .containsEntry("name", c == 4 ? "Renamed 4" : "Company " + c);
                    assertThat(tables.find("company", "id", "co" + c)).isEqualTo(byDomain);
                }
            }
        }
        assertThat(heldByB).as("companies held by instance b, answered by a too").isNotEmpty().hasSizeLessThan(COMPANIES);
        assertThat(a.streams().crm().orElseThrow().find("owner", "email", "OWNER2@ours.test")).get()
                .extracting(record -> record.get("id")).isEqualTo("o2");

        // and when tickets from 11 accounts arrive, each becomes a task for its account's owner
        List<Map.Entry<String, byte[]>> ticketEvents = new ArrayList<>();
        for (int c = 0; c < COMPANIES - 1; c++) {
            ticketEvents.add(Map.entry("t" + c, ("{\"specversion\":\"1.0\",\"id\":\"tkt-" + c + "\",\"source\":\"/it\",\"type\":\"ticket.created\","
                    + "\"time\":\"2026-11-02T09:00:00Z\",\"data\":{\"ticket_id\":\"" + c + "\",\"subject\":\"Help " + c + "\",\"body\":\"b\","
                    + "\"requester\":{\"email\":\"user" + c + "@c" + c + ".example.com\"}}}").getBytes(StandardCharsets.UTF_8)));
        }
        publish(kafka.servers(), tickets, ticketEvents);
        await().atMost(PATIENCE).until(() -> receiver.tasks().size() >= COMPANIES - 1);
        for (String body : receiver.tasks().values()) {
            JsonNode task = JSON.readTree(body);
            int company = Integer.parseInt(task.path("fields").path("account").asText().substring(2));
            assertThat(task.path("owner").asText()).isEqualTo("owner" + (company % 3) + "@ours.test");
        }
    }

    private static String company(int c, String name) {
        return "{\"id\":\"co" + c + "\",\"name\":\"" + name + "\",\"domain\":\"www.c" + c + ".example.com\",\"owner_id\":\"o" + (c % 3) + "\"}";
    }

    private Engine start(String bootstrap, String suffix, String crmTopic, String instance) throws Exception {
        Path base = Files.createDirectories(dir.resolve(instance));
        Files.copy(dir.resolve("route.yaml"), base.resolve("route.yaml"));
        String config = """
                kafka:
                  bootstrap_servers: %s
                  streams:
                    state_dir: state
                    crm:
                      topics: [%s]
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
                  port: 0
                """.formatted(bootstrap, crmTopic, suffix, suffix, suffix, suffix, suffix, receiver.url(), receiver.hostAndPort());
        EngineConfigLoader.Result loaded = EngineConfigLoader.standard().parse("it.yaml", config, base);
        assertThat(loaded.problems()).isEmpty();
        // the instances answer each other only with the same peer token
        Engine engine = Engine.builder(loaded.config())
                .secrets(name -> name.equals("SWITCHBOARD_PEER_TOKEN") ? Optional.of("crm-lookup-it-" + suffix) : Optional.empty()).build();
        engines.add(engine);
        WorkflowLoader.Result workflow = engine.loader().load(base.resolve("route.yaml"));
        assertThat(workflow.problems()).isEmpty();
        engine.start(List.of(workflow.workflow()));
        return engine;
    }

    private static KafkaStreams crmStreams(Engine engine) {
        return engine.streams().stages().get(StreamsNames.EngineStage.CRM.application()).streams();
    }

    private static void publish(String bootstrap, String topic, List<Map.Entry<String, byte[]>> records) throws Exception {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (Map.Entry<String, byte[]> record : records) {
                producer.send(new ProducerRecord<>(topic, record.getKey().getBytes(StandardCharsets.UTF_8), record.getValue())).get();
            }
        }
    }
}
