package dev.switchboard.workflows.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.llm.sim.ModelSimulator;
import dev.switchboard.workflows.cli.SalesSampleAnswers;
import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.workflows.kafka.EmbeddedKafkaBroker;
import dev.switchboard.workflows.model.WorkflowLoader;
import dev.switchboard.workflows.runtime.Engine;
import dev.switchboard.workflows.streams.CrmTables;
import dev.switchboard.workflows.streams.StreamsNames;
import dev.switchboard.workflows.testing.StreamsState;
import dev.switchboard.workflows.testing.TopicRecords;
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
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped example {@code crm-lead-scoring.yaml} end to end on the embedded broker: the CRM tables
 * built from the sample's companies, the 62 sample leads scored by the simulated model (the rubric's
 * scores and reasons from {@code leads.expected.jsonl}, one malformed answer first), routed by
 * {@code data/territories.yaml}. Every hot and warm lead becomes a task for the owner the sample
 * expects, with its score and reasons; a score the model is unsure of goes to review instead.
 */
class LeadScoringIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(120);
    /** A hot lead (nwc-lead-001) whose score the model gives with little confidence. */
    private static final String UNSURE_LEAD = "lead-24003";

    @TempDir
    Path dir;

    @Test
    void should_task_each_hot_and_warm_lead_for_its_territory_owner_and_review_an_unsure_score() throws Exception {
        // a broker of its own: the CRM stage's application id is fixed, and on the suite's shared broker an earlier
        // test's CRM stage (the same sample companies) left state this one must not inherit
        try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDir(Files.createDirectories(dir.resolve("kafka"))).port(0).build()) {
            broker.start();
            scoreTheSampleLeads(broker.bootstrapServers());
        }
    }

    private void scoreTheSampleLeads(String servers) throws Exception {
        // given the example with its territories, the sample's answers, and the CRM's companies on the change topic
        Path examples = Path.of("examples");
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String cdc = "it.leads.cdc." + suffix;
        // and no CRM tables from an earlier test: SupportCopilotIT loads the same company domains under other ids
        StreamsState.forget(servers, StreamsNames.EngineStage.CRM.application());
        Files.createDirectories(dir.resolve("data"));
        Files.copy(examples.resolve("data/territories.yaml"), dir.resolve("data/territories.yaml"));
        Files.writeString(dir.resolve("crm-lead-scoring.yaml"), Files.readString(examples.resolve("crm-lead-scoring.yaml"))
                .replace("  topic: switchboard.cdc\n", "  topic: " + cdc + "\n  start: earliest\n")
                // a consumer group of its own: DebeziumSourceIT runs the same example on the shared broker
                .replace("\nname: crm-lead-scoring\n", "\nname: crm-lead-scoring-" + suffix + "\n"));
        SalesSampleAnswers answers = SalesSampleAnswers.from(examples.resolve("data"), 0.9);
        List<String> companies = lines(examples.resolve("data/crm-companies.jsonl"));
        publish(servers, cdc, companies.stream().map(LeadScoringIT::companyCreated).toList());

        try (ModelSimulator model = ModelSimulator.start().faultFirst(1, ModelSimulator.Fault.malformedJson())
                // the unsure lead stays unsure when its answer is asked again to repair it (the first answer is malformed,
                // and the first lead asked may be this one): the repair request carries the lead in an earlier message
                .answers(request -> request.messages().stream().anyMatch(m -> m.content().contains("Lead " + UNSURE_LEAD + ":"))
                        ? unsure(answers.apply(request)) : answers.apply(request))) {
            var config = EngineConfigLoader.standard().parse("it.yaml", """
                    kafka:
                      bootstrap_servers: %s
                      streams:
                        state_dir: streams
                        crm: {topics: [%s]}
                    topics:
                      tasks: it.leads.tasks.%s
                      dead_letter: it.leads.dlq.%s
                      deliveries: it.leads.deliveries.%s
                      review: it.leads.review.%s
                      decisions: it.leads.decisions.%s
                    http:
                      port: 0
                    models:
                      fast: {base_url: "%s", model: qwen2.5-7b-instruct}
                    sinks:
                      hubspot-tasks: {jsonl: {path: tasks.jsonl}}
                    """.formatted(servers, cdc, suffix, suffix, suffix, suffix, suffix, model.baseUrl()), dir);
            assertThat(config.problems()).isEmpty();
            try (Engine engine = Engine.builder(config.config()).build()) {
                WorkflowLoader.Result loaded = engine.loader().load(dir.resolve("crm-lead-scoring.yaml"));
                assertThat(loaded.problems()).isEmpty();
                assertThat(loaded.workflow().name()).isEqualTo("crm-lead-scoring-" + suffix);
                engine.start(List.of(loaded.workflow()));
                CrmTables tables = engine.streams().crm().orElseThrow();
                // every company: they are keyed to three partitions, and the stage reads each at its own pace
                List<String> domains = new ArrayList<>();
                for (String company : companies) {
                    domains.add(JSON.readTree(company).path("domain").asText());
                }
                await().atMost(PATIENCE).until(() -> domains.stream()
                        .allMatch(domain -> tables.find("company", "domain", "someone@" + domain).isPresent()));

                // when the sample's leads are created in the CRM
                List<String> leads = lines(examples.resolve("data/leads.jsonl"));
                publish(servers, cdc, leads);

                // then every hot and warm lead but the unsure one is a task, for the owner the territories give, with score and reasons
                Map<String, JsonNode> expected = new HashMap<>();
                for (String line : lines(examples.resolve("data/leads.expected.jsonl"))) {
                    JsonNode lead = JSON.readTree(line);
                    expected.put(lead.path("id").asText(), lead);
                }
                long worthCalling = expected.values().stream().filter(lead -> !lead.path("score_band").asText().equals("cold")).count();
                Path tasksFile = dir.resolve("tasks.jsonl");
                await().atMost(PATIENCE).until(() -> Files.exists(tasksFile) && lines(tasksFile).size() == worthCalling - 1);
                for (String line : lines(tasksFile)) {
                    JsonNode task = JSON.readTree(line);
                    JsonNode want = expected.get(task.path("eventId").asText());
                    assertThat(want.path("score_band").asText()).as(line).isNotEqualTo("cold");
                    assertThat(task.path("fields").path("owner_id").asText()).as(line).isEqualTo(want.path("owner_id").asText());
                    assertThat(task.path("fields").path("score").asText()).isEqualTo(want.path("score").asText());
                    assertThat(task.path("fields").path("reasons").asText()).contains(want.path("why").asText().split(";")[0]);
                    assertThat(task.path("priority").asText()).isEqualTo(want.path("score_band").asText().equals("hot") ? "high" : "normal");
                    if (want.path("routing").asText().startsWith("territory") || want.path("routing").asText().startsWith("named")) {
                        assertThat(task.path("fields").path("routing").asText()).isEqualTo(want.path("routing").asText());
                    }
                }
                // and the unsure score waits for a person on the review topic
                await().atMost(PATIENCE).until(() -> TopicRecords.all(servers, "it.leads.review." + suffix).stream()
                        .anyMatch(record -> new String(record.value(), StandardCharsets.UTF_8).contains(UNSURE_LEAD)));
                assertThat(lines(tasksFile)).noneMatch(line -> line.contains(UNSURE_LEAD));
                assertThat(model.statusCount(200)).isGreaterThan(leads.size());
            }
        }
    }

    private static String unsure(String answer) {
        try {
            return ((ObjectNode) JSON.readTree(answer)).put("confidence", 0.4).toString();
        } catch (Exception e) {
            return answer;
        }
    }

    /** A company row of the sample as the debezium-postgres source publishes it: crm.company.created, its CRM id as id. */
    private static String companyCreated(String row) {
        try {
            ObjectNode after = (ObjectNode) JSON.readTree(row);
            after.put("id", after.path("crm_company_id").asText());
            ObjectNode event = JSON.createObjectNode().put("specversion", "1.0").put("id", "chg-" + after.path("id").asText())
                    .put("source", "/debezium/crm").put("type", "crm.company.created").put("time", "2026-11-01T08:00:00Z");
            event.putObject("data").put("op", "c").put("table", "public.companies").putNull("before").set("after", after);
            return event.toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void publish(String servers, String topic, List<String> events) throws Exception {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(properties, new StringSerializer(), new StringSerializer())) {
            for (String event : events) {
                // keyed by entity, as Debezium keys its changes
                producer.send(new ProducerRecord<>(topic, JSON.readTree(event).path("id").asText(), event)).get();
            }
        }
    }

    private static List<String> lines(Path file) throws java.io.IOException {
        List<String> lines = new ArrayList<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                lines.add(line);
            }
        }
        return lines;
    }
}
