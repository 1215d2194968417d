package dev.switchboard.workflows.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.workflows.model.WorkflowLoader;
import dev.switchboard.workflows.runtime.Engine;
import dev.switchboard.workflows.testing.SharedKafka;
import dev.switchboard.workflows.testing.TaskReceiver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped {@code weekly-business-report.yaml} through the engine on the embedded broker: invoices
 * and a payment settle through reconciliation, and the report counts them, as an HTML email (a JSON
 * Lines file here, smtp in production) and as a webhook to a real HTTP receiver. Its schedule is
 * every second here instead of Mondays, from the earliest offsets, so the business of the test may fall in more than one period:
 * the periods' counts are summed.
 */
@ExtendWith(SharedKafka.class)
class WeeklyReportIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    private Engine engine;
    private TaskReceiver receiver;

    @AfterEach
    void tearDown() {
        if (engine != null) {
            engine.close();
        }
        if (receiver != null) {
            receiver.close();
        }
    }

    @Test
    void should_report_the_invoices_received_and_paid_by_email_and_webhook_when_the_report_falls_due(SharedKafka.Bootstrap kafka)
            throws Exception {
        // given the report every second over the events and reconciliation's output, and a BI webhook
        receiver = new TaskReceiver();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String events = "it.rep.events." + suffix;
        String finance = "it.rep.finance." + suffix;
        Files.writeString(dir.resolve("weekly-business-report.yaml"), Files.readString(Path.of("examples/weekly-business-report.yaml"))
                .replace("on:\n  schedule:\n    cron: \"0 8 * * MON\"\n    zone: Europe/Paris\n", "on:\n  start: earliest\n  schedule:\n    every: PT1S\n")
                .replace("business: [switchboard.events, switchboard.bank, switchboard.finance]", "business: [" + events + ", " + finance + "]"));
        start(kafka.servers(), suffix, events, finance);

        // when two supplier invoices are accepted and one of them is paid
        // (numbers of this test's own: the reconciliation stage's application id, hence its state, is shared on the shared broker)
        String first = "FA-" + suffix + "-1";
        publish(kafka.servers(), events, accepted("01", "fr61834512907/" + first.toLowerCase(), first, "870.00"),
                accepted("02", "fr61834512907/fa-" + suffix + "-2", "FA-" + suffix + "-2", "6558.00"),
                """
                {"specversion":"1.0","id":"pay-1","source":"/it","type":"payment.sent","data":{"payment_id":"FR76/NWC-%s",
                 "direction":"debit","amount":"870.00","currency":"EUR","booking_date":"2026-10-05","account":{"id":"FR76"},
                 "counterparty":{"name":"Hébergement Cirrus SAS"},"remittance":{"unstructured":"%s","references":[]}}}"""
                        .formatted(suffix, first).replace("\n", ""));

        // then the webhooks, summed over the periods, count both invoices received and one paid
        await().atMost(PATIENCE).until(() -> sum("invoices_received") >= 2 && sum("invoices_paid") >= 1);
        assertThat(sum("invoices_received")).isEqualTo(2);
        assertThat(sum("invoices_paid")).isEqualTo(1);
        // and the email went out as HTML, with the amounts by currency
        Path mail = dir.resolve("finance-report.jsonl");
        await().atMost(PATIENCE).until(() -> Files.exists(mail) && Files.readString(mail).contains("EUR"));
        assertThat(Files.readAllLines(mail)).anySatisfy(line -> {
            JsonNode task = JSON.readTree(line);
            assertThat(task.path("fields").path("content_type").asText()).isEqualTo("text/html");
            assertThat(task.path("body").asText()).contains("<h1>Week ", "received from suppliers", "EUR");
        });
    }

    private long sum(String field) {
        return webhooks().stream().mapToLong(task -> Long.parseLong(task.path("fields").path(field).asText("0"))).sum();
    }

    private List<JsonNode> webhooks() {
        List<JsonNode> out = new ArrayList<>();
        for (String body : receiver.tasks().values()) {
            try {
                out.add(JSON.readTree(body));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return out;
    }

    private static String accepted(String n, String key, String number, String total) {
        return ("{\"specversion\":\"1.0\",\"id\":\"acc-" + n + "\",\"source\":\"/it\",\"type\":\"invoice.accepted\",\"data\":{\"invoice_key\":\""
                + key + "\",\"supplier\":{\"name\":\"Hébergement Cirrus SAS\",\"vat_id\":\"FR61834512907\"},\"invoice_number\":\"" + number
                + "\",\"issue_date\":\"2026-09-06\",\"due_date\":\"2026-10-06\",\"currency\":\"EUR\",\"total\":\"" + total + "\"}}");
    }

    private void start(String bootstrap, String suffix, String events, String finance) {
        String config = """
                kafka:
                  bootstrap_servers: %1$s
                  streams:
                    state_dir: state
                    reconcile:
                      topics: [%2$s]
                      output: %3$s
                      open_invoices: it.rep.open.%4$s
                topics:
                  tasks: it.rep.tasks.%4$s
                  dead_letter: it.rep.dlq.%4$s
                  deliveries: it.rep.deliveries.%4$s
                  review: it.rep.review.%4$s
                  audit: it.rep.audit.%4$s
                sinks:
                  finance-report:
                    jsonl:
                      path: finance-report.jsonl
                  finance-webhook:
                    webhook:
                      url: %5$s
                outbound:
                  allowed_hosts: [%6$s]
                http:
                  port: -1
                """.formatted(bootstrap, events, finance, suffix, receiver.url(), receiver.hostAndPort());
        EngineConfigLoader.Result loaded = EngineConfigLoader.standard().parse("it.yaml", config, dir);
        assertThat(loaded.problems()).isEmpty();
        engine = Engine.builder(loaded.config()).build();
        WorkflowLoader.Result workflow = engine.loader().load(dir.resolve("weekly-business-report.yaml"));
        assertThat(workflow.problems()).isEmpty();
        engine.start(List.of(workflow.workflow()));
    }

    private static void publish(String bootstrap, String topic, String... values) throws Exception {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(properties, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (String value : values) {
                producer.send(new ProducerRecord<>(topic, value.getBytes(StandardCharsets.UTF_8))).get();
            }
        }
    }
}
