package dev.switchboard.workflows.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.workflows.model.WorkflowLoader;
import dev.switchboard.workflows.runtime.Engine;
import dev.switchboard.workflows.testing.SharedKafka;
import dev.switchboard.workflows.testing.TopicRecords;
import java.math.BigDecimal;
import java.math.RoundingMode;
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
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The finance flow on the sample data, through the engine on the embedded broker: the accepted
 * invoices ({@code examples/data/invoices/accepted.jsonl}) are published, the camt.053 statement is
 * dropped in the {@code camt053-folder} source's folder, and the reconciliation stage must settle,
 * part-settle and leave unmatched exactly what {@code examples/data/bank/expected-matches.jsonl} says;
 * each unmatched payment becomes one finance task through the shipped {@code unmatched-payments.yaml}.
 */
@ExtendWith(SharedKafka.class)
class ReconciliationIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path EXAMPLES = Path.of("examples");
    private static final Duration PATIENCE = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    private Engine engine;

    @AfterEach
    void tearDown() {
        if (engine != null) {
            engine.close();
        }
    }

    @Test
    void should_settle_part_settle_and_report_unmatched_each_entry_of_the_statement_as_expected_matches_says(SharedKafka.Bootstrap kafka)
            throws Exception {
        // given the engine with reconciliation, the bank folder and the unmatched-payments workflow, and the accepted invoices on its topic
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String events = "it.fin.events." + suffix;
        String finance = "it.fin.finance." + suffix;
        String open = "it.fin.open." + suffix;
        Path bank = Files.createDirectories(dir.resolve("bank"));
        Files.writeString(dir.resolve("unmatched-payments.yaml"), Files.readString(EXAMPLES.resolve("unmatched-payments.yaml"))
                .replace("topic: switchboard.finance", "topic: " + finance));
        start(kafka.servers(), suffix, events, finance, open);
        List<String> accepted = Files.readAllLines(EXAMPLES.resolve("data/invoices/accepted.jsonl")).stream()
                .filter(line -> !line.isBlank()).toList();
        publish(kafka.servers(), events, accepted);
        await().atMost(PATIENCE).until(() -> TopicRecords.all(kafka.servers(), open).size() >= accepted.size());

        // when the statement arrives in the folder
        Files.copy(EXAMPLES.resolve("data/bank/camt053-statement.xml"), bank.resolve("statement.xml.part"));
        Files.move(bank.resolve("statement.xml.part"), bank.resolve("camt053-statement.xml"));

        // then every entry has the outcome the expected matches give it, and nothing more
        List<String> expected = expected(accepted);
        await().atMost(PATIENCE).until(() -> outcomes(kafka.servers(), finance).size() >= expected.size());
        assertThat(outcomes(kafka.servers(), finance)).containsExactlyInAnyOrderElementsOf(expected);
        assertThat(bank.resolve("done/camt053-statement.xml")).exists();

        // and each unmatched payment is one task for finance
        long unmatched = expected.stream().filter(line -> line.endsWith("unmatched")).count();
        Path tasks = dir.resolve("finance-tasks.jsonl");
        await().atMost(PATIENCE).until(() -> Files.exists(tasks) && Files.readAllLines(tasks).size() >= unmatched);
        assertThat(Files.readAllLines(tasks)).hasSize((int) unmatched)
                .allSatisfy(line -> assertThat(JSON.readTree(line).path("title").asText()).startsWith("Unmatched "));
    }

    /** One line per outcome: the bank entry, and the invoice's key, status and what it still owes, or {@code unmatched}. */
    private static List<String> expected(List<String> accepted) throws Exception {
        Map<String, String> keyByFile = new HashMap<>();
        for (String line : accepted) {
            JsonNode data = JSON.readTree(line).path("data");
            keyByFile.put(data.path("source").path("attachment").asText(), data.path("invoice_key").asText());
        }
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(EXAMPLES.resolve("data/bank/expected-matches.jsonl"))) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode match = JSON.readTree(line);
            String entry = match.path("entry").asText();
            switch (match.path("match").asText()) {
                case "none", "refund" -> out.add(entry + " unmatched");
                default -> {
                    for (int i = 0; i < match.path("invoices").size(); i++) {
                        String key = keyByFile.get(match.path("invoices").get(i).asText());
                        assertThat(key).as("accepted invoice %s", match.path("invoices").get(i)).isNotNull();
                        BigDecimal outstanding = new BigDecimal(match.path("outstanding").get(i).asText());
                        out.add(entry + " " + key + " " + (outstanding.signum() == 0 ? "invoice.paid" : "invoice.partially_paid") + " "
                                + money(outstanding));
                    }
                }
            }
        }
        return out;
    }

    private static List<String> outcomes(String bootstrap, String topic) throws Exception {
        List<String> out = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : TopicRecords.all(bootstrap, topic)) {
            JsonNode event = JSON.readTree(record.value());
            JsonNode data = event.path("data");
            String type = event.path("type").asText();
            if (type.equals("payment.unmatched")) {
                out.add(entry(data.path("payment_id").asText()) + " unmatched");
            } else {
                out.add(entry(data.path("payment").path("payment_id").asText()) + " " + data.path("invoice_key").asText() + " " + type + " "
                        + money(new BigDecimal(data.path("outstanding").asText())));
            }
        }
        return out;
    }

    /** The bank's entry reference in a payment id ({@code account/entry[/n]}). */
    private static String entry(String paymentId) {
        return paymentId.split("/")[1];
    }

    private static String money(BigDecimal amount) {
        return amount.setScale(2, RoundingMode.UNNECESSARY).toPlainString();
    }

    private void start(String bootstrap, String suffix, String events, String finance, String open) {
        String config = """
                kafka:
                  bootstrap_servers: %1$s
                  streams:
                    state_dir: state
                    reconcile:
                      topics: [%2$s]
                      output: %3$s
                      open_invoices: %4$s
                      unmatched_after: PT3S
                topics:
                  tasks: it.fin.tasks.%5$s
                  dead_letter: it.fin.dlq.%5$s
                  deliveries: it.fin.deliveries.%5$s
                  review: it.fin.review.%5$s
                  audit: it.fin.audit.%5$s
                sources:
                  bank-statements:
                    camt053-folder:
                      folder: bank
                      topic: %2$s
                      entries: all
                      poll_seconds: 1
                      settle_seconds: 0
                sinks:
                  finance-queue:
                    jsonl:
                      path: finance-tasks.jsonl
                http:
                  port: -1
                """.formatted(bootstrap, events, finance, open, suffix);
        EngineConfigLoader.Result loaded = EngineConfigLoader.standard().parse("it.yaml", config, dir);
        assertThat(loaded.problems()).isEmpty();
        engine = Engine.builder(loaded.config()).build();
        WorkflowLoader.Result workflow = engine.loader().load(dir.resolve("unmatched-payments.yaml"));
        assertThat(workflow.problems()).isEmpty();
        engine.start(List.of(workflow.workflow()));
    }

    private static void publish(String bootstrap, String topic, List<String> values) throws Exception {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (String value : values) {
                producer.send(new ProducerRecord<>(topic, value.getBytes(StandardCharsets.UTF_8))).get();
            }
        }
    }
}
