package dev.switchboard.workflows.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.llm.sim.ModelSimulator;
import dev.switchboard.workflows.model.Workflow;
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
import java.time.LocalDate;
import java.time.ZoneOffset;
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

    @Test
    void should_remind_only_the_customer_who_has_not_paid_when_reconciliation_marked_the_other_invoice_paid(SharedKafka.Bootstrap kafka)
            throws Exception {
        // given two invoices of ours, both three weeks overdue, and the customer of one paying it with its reference
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String events = "it.fin.events." + suffix;
        String finance = "it.fin.finance." + suffix;
        String open = "it.fin.open." + suffix;
        Files.createDirectories(dir.resolve("bank"));
        LocalDate due = LocalDate.now(ZoneOffset.UTC).minusDays(20);
        start(kafka.servers(), suffix, events, finance, open, null, List.of());
        publish(kafka.servers(), events, List.of(issued("NW-2026-2001", "Bluefin Outfitters", due), issued("NW-2026-2002", "Cascade Brewing", due),
                """
                {"specversion":"1.0","id":"pay-2001","source":"/it","type":"payment.received","data":{"payment_id":"FR76/PAY-2001",
                 "direction":"credit","amount":"450.00","currency":"EUR","booking_date":"%s","account":{"id":"FR76"},
                 "counterparty":{"name":"Bluefin Outfitters"},"remittance":{"unstructured":"RF18NW20262001","references":[]}}}"""
                        .formatted(LocalDate.now(ZoneOffset.UTC)).replace("\n", "")));
        await().atMost(PATIENCE).until(() -> outcomes(kafka.servers(), finance).size() >= 1);
        assertThat(outcomes(kafka.servers(), finance)).containsExactly("PAY-2001 NW-2026-2001 invoice.paid 0.00");
        engine.close();
        engine = null;

        // when the shipped payment-reminders workflow runs over the open invoices (its schedule every second, its model the simulator)
        copyFolder(EXAMPLES.resolve("knowledge-base/collections"), dir.resolve("knowledge-base/collections"));
        Files.writeString(dir.resolve("payment-reminders.yaml"), Files.readString(EXAMPLES.resolve("payment-reminders.yaml"))
                .replace("    cron: \"0 9 * * MON-FRI\"\n    zone: Europe/Paris\n", "    every: PT1S\n"));
        try (ModelSimulator simulator = ModelSimulator.start(0)) {
            simulator.answers(ModelSimulator::defaultAnswer);
            start(kafka.servers(), suffix, events, finance, open, simulator.baseUrl(), List.of("payment-reminders.yaml"));
            Path mail = dir.resolve("customer-mail.jsonl");
            await().atMost(PATIENCE).until(() -> Files.exists(mail) && !Files.readAllLines(mail).isEmpty());

            // then the customer who has not paid gets the firm reminder, and the one who paid gets none
            List<JsonNode> sent = new ArrayList<>();
            for (String line : Files.readAllLines(mail)) {
                sent.add(JSON.readTree(line));
            }
            assertThat(sent).extracting(task -> task.path("fields").path("invoice_key").asText() + " " + task.path("fields").path("stage").asText())
                    .containsExactly("NW-2026-2002 firm");
        }
    }

    private static String issued(String number, String customer, LocalDate due) {
        return ("{\"specversion\":\"1.0\",\"id\":\"iss-" + number + "\",\"source\":\"/it\",\"type\":\"invoice.issued\",\"data\":{"
                + "\"invoice_key\":\"" + number + "\",\"invoice_number\":\"" + number + "\",\"customer\":{\"name\":\"" + customer
                + "\",\"email\":\"ap@" + number.toLowerCase() + ".example.com\"},\"issue_date\":\"" + due.minusDays(30) + "\",\"due_date\":\""
                + due + "\",\"currency\":\"EUR\",\"total\":\"450.00\",\"payment_reference\":\"RF18" + number.replace("-", "") + "\"}}");
    }

    private static void copyFolder(Path from, Path to) throws Exception {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path file : files.toList()) {
                Files.copy(file, to.resolve(file.getFileName()));
            }
        }
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
        start(bootstrap, suffix, events, finance, open, null, List.of("unmatched-payments.yaml"));
    }

    private void start(String bootstrap, String suffix, String events, String finance, String open, String modelUrl, List<String> workflows) {
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
                  customer-mail:
                    jsonl:
                      path: customer-mail.jsonl
                http:
                  port: -1
                """.formatted(bootstrap, events, finance, open, suffix)
                + (modelUrl == null ? "" : "models:\n  fast:\n    base_url: " + modelUrl + "\n    model: simulated\n");
        EngineConfigLoader.Result loaded = EngineConfigLoader.standard().parse("it.yaml", config, dir);
        assertThat(loaded.problems()).isEmpty();
        engine = Engine.builder(loaded.config()).build();
        List<Workflow> started = new ArrayList<>();
        for (String file : workflows) {
            WorkflowLoader.Result workflow = engine.loader().load(dir.resolve(file));
            assertThat(workflow.problems()).isEmpty();
            started.add(workflow.workflow());
        }
        engine.start(started);
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
