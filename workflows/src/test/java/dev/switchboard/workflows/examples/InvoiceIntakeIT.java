package dev.switchboard.workflows.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.icegreen.greenmail.junit5.GreenMailExtension;
import com.icegreen.greenmail.util.ServerSetup;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.switchboard.llm.sim.ModelSimulator;
import dev.switchboard.schemas.events.EventParser;
import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.workflows.model.WorkflowLoader;
import dev.switchboard.workflows.runtime.Engine;
import dev.switchboard.workflows.testing.SharedKafka;
import dev.switchboard.workflows.testing.TaskReceiver;
import dev.switchboard.workflows.testing.TopicRecords;
import jakarta.activation.DataHandler;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The invoice flow end to end on the embedded broker: the 56 sample invoice PDFs arrive as emails in
 * a real IMAP mailbox (GreenMail), the imap source reads their text, the model (the simulator,
 * answering from the ground truth as a model reading the PDF would) extracts the fields, the checks
 * decide, and clean invoices reach the accounting webhook and the invoice.accepted events while each
 * deliberate error waits in review with its check's message; the supplier of each clean one gets an
 * acknowledgement through the smtp sink (GreenMail's SMTP server). The duplicate arrives last, after
 * a restart, so only the invoice register (state in Kafka) can know its number was taken.
 */
@ExtendWith(SharedKafka.class)
class InvoiceIntakeIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(240);
    private static final Path INVOICES = Path.of("examples/data/invoices");
    private static final String USER = "invoices@northwind.example";
    private static final String PASSWORD = "imap-invoices-password";
    private static final String DUPLICATE = "27-brightwater-design-ltd-bwd-1198.pdf";

    /** The message a person sees in review, by the defect the sample invoice carries. */
    private static final Map<String, String> EXPECTED_REVIEWS = Map.of(
            "total_mismatch", "[totals] Totals do not add up: net 700.20 + tax 121.48 = 821.68, but the total is 831.68 (off by 10.00)",
            "due_before_issue", "[dates] Due date 2026-09-29 is before the issue date 2026-10-29",
            "bad_iban_checksum", "[iban] IBAN DE71700500000012345768 fails the mod-97 check",
            "duplicate_number", "[duplicate] Invoice BWD-1198 from Brightwater Design Ltd was already accepted (issue date 2026-09-22",
            "encrypted", "[document] The invoice '33-quill-ledger-consulting-llp-ql20935.pdf' could not be read (encrypted)",
            "image_only", "[document] The invoice '42-pixelforge-analytics-llc-pxf-03408.pdf' could not be read (no_text): "
                    + "The PDF has no text layer",
            "malformed", "[document] The invoice '49-helvetia-translations-gmbh-ht-2215.pdf' could not be read (unreadable)");

    @RegisterExtension
    static final GreenMailExtension MAIL = new GreenMailExtension(new ServerSetup[] {
            ServerSetupTest.IMAP.dynamicPort(), ServerSetupTest.SMTP.dynamicPort()});

    @TempDir
    Path dir;

    @Test
    void should_post_clean_invoices_and_publish_them_and_hold_each_deliberate_error_with_its_message_when_invoices_arrive_by_mail(
            SharedKafka.Bootstrap kafka) throws Exception {
        // given the sample invoices in a mailbox (the duplicate held back), a model that reads them, and accounting
        List<Map<String, Object>> rows = groundTruth();
        Map<String, Map<String, Object>> byFile = rows.stream().collect(Collectors.toMap(row -> row.get("file").toString(),
                Function.identity()));
        MAIL.setUser(USER, USER, PASSWORD);
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        rows.stream().filter(row -> !row.get("file").equals(DUPLICATE)).forEach(row -> deliver(row, suffix));
        String events = "it.invoices.events." + suffix;
        String review = "it.invoices.review." + suffix;
        String deadLetters = "it.invoices.dlq." + suffix;
        List<Map<String, Object>> clean = rows.stream().filter(row -> row.get("defect") == null).toList();
        try (ModelSimulator model = ModelSimulator.start().answers(request -> extraction(rows, request.user()));
             TaskReceiver accounting = new TaskReceiver()) {
            Path workflow = exampleOnTopic(events);
            Files.writeString(dir.resolve("imap.password"), PASSWORD + "\n");
            EngineConfigLoader.Result loaded = EngineConfigLoader.standard().parse("invoices-it.yaml", """
                    kafka:
                      bootstrap_servers: %s
                      streams:
                        state_dir: streams
                        invoices:
                          topics: [%s]
                    topics:
                      tasks: it.invoices.tasks.%s
                      dead_letter: %s
                      deliveries: it.invoices.deliveries.%s
                      review: %s
                      audit: it.invoices.audit.%s
                    http:
                      port: 0
                    models:
                      reader:
                        base_url: %s
                        model: invoice-reader
                        max_tokens: 2048
                        retries: 0
                    sinks:
                      accounting:
                        webhook:
                          url: %s
                          body: |
                            {"external_id": "{{ task.id }}", "supplier": "{{ task.fields.supplier }}", "vat_id": "{{ task.fields.vat_id }}",
                             "number": "{{ task.fields.number }}", "issued": "{{ task.fields.issue_date }}", "due": "{{ task.fields.due_date }}",
                             "currency": "{{ task.fields.currency }}", "net": "{{ task.fields.net }}", "tax": "{{ task.fields.tax }}",
                             "total": "{{ task.fields.total }}", "iban": "{{ task.fields.iban }}"}
                      accepted-invoices:
                        event:
                          type: invoice.accepted
                          topic: %s
                          data_field: invoice
                          key: "{{ task.fields.invoice_key }}"
                          subject: "{{ task.fields.invoice_key }}"
                      supplier-mail:
                        smtp:
                          host: 127.0.0.1
                          port: %d
                          security: none
                          from: "Northwind Accounts Payable <%s>"
                          to: "{{ task.fields.email }}"
                          subject: "{{ task.title }}"
                          text: "{{ task.body }}"
                    outbound:
                      allowed_hosts: [%s, "127.0.0.1:%d"]
                    sources:
                      invoice-mailbox:
                        imap:
                          host: 127.0.0.1
                          port: %d
                          protocol: imap
                          starttls: false
                          username: %s
                          password_file: imap.password
                          poll_seconds: 1
                          topic: %s
                    """.formatted(kafka.servers(), events, suffix, deadLetters, suffix, review, suffix, model.baseUrl(), accounting.url(),
                    events, MAIL.getSmtp().getPort(), USER, accounting.hostAndPort(), MAIL.getSmtp().getPort(),
                    MAIL.getImap().getPort(), USER, events), dir);
            assertThat(loaded.problems()).isEmpty();

            // when the engine reads the mailbox
            try (Engine engine = Engine.builder(loaded.config()).build()) {
                WorkflowLoader.Result intake = engine.loader().load(workflow);
                assertThat(intake.problems()).isEmpty();
                engine.start(List.of(intake.workflow()));

                // then every clean invoice reaches accounting once, and every other one waits in review
                await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(1))
                        .failFast("an invoice was dead-lettered", () -> !TopicRecords.all(kafka.servers(), deadLetters).isEmpty())
                        .until(() -> accounting.taskCount() >= clean.size() && acknowledgements().size() >= clean.size()
                        && reviews(kafka.servers(), review).size() >= EXPECTED_REVIEWS.size() - 1
                        && accepted(kafka.servers(), events).size() >= clean.size());
            }

            // when the engine restarts (nothing of it kept in memory) and the duplicate arrives
            try (Engine engine = Engine.builder(loaded.config()).build()) {
                engine.start(List.of(engine.loader().load(workflow).workflow()));
                deliver(byFile.get(DUPLICATE), suffix);

                // then only the invoice register, restored from Kafka, can recognise its number: it waits in review too
                await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(1)).until(() ->
                        reviews(kafka.servers(), review).size() >= EXPECTED_REVIEWS.size());
            }

            // and accounting has exactly the clean invoices, with the amounts printed on them
            Map<String, JsonNode> posted = new HashMap<>();
            for (String body : accounting.tasks().values()) {
                JsonNode invoice = JSON.readTree(body);
                posted.put(invoice.path("number").asText() + "|" + invoice.path("issued").asText(), invoice);
            }
            assertThat(posted).hasSize(clean.size());
            for (Map<String, Object> row : clean) {
                JsonNode invoice = posted.get(row.get("invoice_number") + "|" + row.get("issue_date"));
                assertThat(invoice).as(row.get("file").toString()).isNotNull();
                assertThat(new BigDecimal(invoice.path("total").asText())).isEqualByComparingTo(row.get("printed_total").toString());
                assertThat(invoice.path("currency").asText()).isEqualTo(row.get("currency"));
                assertThat(invoice.path("iban").asText()).isEqualTo(row.get("iban") == null ? "" : row.get("iban"));
            }
            assertThat(accounting.duplicates()).isZero();

            // and each of them is an invoice.accepted event, valid against its schema, under its invoice key
            List<JsonNode> acceptedEvents = accepted(kafka.servers(), events);
            assertThat(acceptedEvents).hasSize(clean.size());
            assertThat(acceptedEvents).extracting(event -> event.path("data").path("invoice_key").asText()).doesNotHaveDuplicates()
                    .contains("fr61834512907/fa-2026-0414", "gb284619375/bwd-1198");

            // and each deliberate error is in review with its check's message, found from the email it came in
            Map<String, String> reasons = new LinkedHashMap<>();
            for (JsonNode held : reviews(kafka.servers(), review)) {
                String messageId = held.path("event").path("data").path("message_id").asText();
                String file = messageId.substring(1, messageId.indexOf('@')).replace("." + suffix, "");
                reasons.put(String.valueOf(byFile.get(file).get("defect")), held.path("reason").asText());
                assertThat(held.path("step").asText()).isEqualTo("checks");
            }
            assertThat(reasons).containsOnlyKeys(EXPECTED_REVIEWS.keySet());
            EXPECTED_REVIEWS.forEach((defect, message) -> assertThat(reasons.get(defect)).as(defect).contains(message));

            // and the supplier of each clean invoice, and no other, got one acknowledgement by email, under a Message-ID from its task
            List<MimeMessage> acknowledgements = acknowledgements();
            assertThat(acknowledgements).hasSize(clean.size());
            Map<String, String> acknowledged = new HashMap<>();
            for (MimeMessage mail : acknowledgements) {
                assertThat(mail.getMessageID()).matches("<[^@]+@northwind\\.example>");
                acknowledged.put(mail.getSubject(), ((InternetAddress) mail.getRecipients(Message.RecipientType.TO)[0]).getAddress()
                        + " " + mail.getContent().toString().replaceAll("\\s+", " "));
            }
            assertThat(acknowledgements).extracting(MimeMessage::getMessageID).doesNotHaveDuplicates();
            for (Map<String, Object> row : clean) {
                assertThat(acknowledged.get("Invoice " + row.get("invoice_number") + " received")).as(row.get("file").toString())
                        .startsWith(((Map<?, ?>) row.get("supplier")).get("email") + " Thank you for your invoice")
                        .contains(" for " + row.get("printed_total") + " " + row.get("currency") + ".")
                        .contains("scheduled for payment by " + row.get("due_date") + ".");
            }

            // and nothing was lost on the way
            assertThat(TopicRecords.all(kafka.servers(), deadLetters)).isEmpty();
        }
    }

    static List<Map<String, Object>> groundTruth() throws IOException {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (String line : Files.readAllLines(INVOICES.resolve("ground-truth.jsonl"))) {
            rows.add(JSON.readValue(line, new TypeReference<>() {
            }));
        }
        return rows;
    }

    /**
     * What a model reading the PDF answers: the ground truth of the invoice whose number and every line
     * item are in the text (the printed total, as the PDF says it), the one with the most lines when two
     * share a number.
     */
    static String extraction(List<Map<String, Object>> rows, String text) {
        String flat = text.replaceAll("\\s+", " ");
        Map<String, Object> best = null;
        for (Map<String, Object> row : rows) {
            List<?> items = (List<?>) row.get("line_items");
            boolean all = flat.contains(row.get("invoice_number").toString()) && items.stream()
                    .allMatch(item -> flat.contains(((Map<?, ?>) item).get("description").toString().replaceAll("\\s+", " ")));
            if (all && (best == null || items.size() > ((List<?>) best.get("line_items")).size())) {
                best = row;
            }
        }
        if (best == null) {
            return "{\"confidence\": 0.1}";
        }
        JsonNodeFactory nodes = new JsonNodeFactory(true);
        ObjectNode answer = nodes.objectNode();
        answer.set("supplier", JSON.valueToTree(best.get("supplier")));
        for (String name : List.of("invoice_number", "issue_date", "due_date", "currency", "iban")) {
            answer.put(name, (String) best.get(name));
        }
        answer.set("net", number(nodes, best.get("net")));
        answer.set("tax_total", number(nodes, best.get("tax_total")));
        answer.set("total", number(nodes, best.get("printed_total")));
        ArrayNode taxLines = answer.putArray("tax_lines");
        for (Object line : (List<?>) best.get("tax_lines")) {
            Map<?, ?> tax = (Map<?, ?>) line;
            taxLines.addObject().setAll(Map.of("rate", number(nodes, tax.get("rate")), "base", number(nodes, tax.get("base")),
                    "tax", number(nodes, tax.get("tax"))));
        }
        ArrayNode items = answer.putArray("line_items");
        for (Object line : (List<?>) best.get("line_items")) {
            Map<?, ?> item = (Map<?, ?>) line;
            ObjectNode out = items.addObject();
            out.put("description", item.get("description").toString());
            for (String name : List.of("quantity", "unit_price", "tax_rate", "net")) {
                out.set(name, number(nodes, item.get(name)));
            }
        }
        answer.put("confidence", 0.95);
        return answer.toString();
    }

    private static JsonNode number(JsonNodeFactory nodes, Object text) {
        return text == null ? nodes.nullNode() : nodes.numberNode(new BigDecimal(text.toString()));
    }

    /** One email per invoice, from the supplier, with the PDF attached. */
    private static void deliver(Map<String, Object> row, String suffix) {
        String file = row.get("file").toString();
        try {
            MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
            message.setFrom(((Map<?, ?>) row.get("supplier")).get("email").toString());
            message.setRecipients(Message.RecipientType.TO, USER);
            message.setSubject("Invoice " + file);
            MimeBodyPart text = new MimeBodyPart();
            text.setText("Please find our invoice attached.", "UTF-8");
            MimeBodyPart pdf = new MimeBodyPart();
            pdf.setDataHandler(new DataHandler(new ByteArrayDataSource(Files.readAllBytes(INVOICES.resolve(file)), "application/pdf")));
            pdf.setFileName(file);
            pdf.setDisposition(MimeBodyPart.ATTACHMENT);
            message.setContent(new MimeMultipart("mixed", text, pdf));
            message.saveChanges();
            message.setHeader("Message-ID", "<" + file + "." + suffix + "@supplier.example>");
            MAIL.getUserManager().getUser(USER).deliver(message);
        } catch (IOException | MessagingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** What accounts payable sent through the smtp sink (GreenMail holds the invoices' emails too). */
    private static List<MimeMessage> acknowledgements() throws MessagingException {
        List<MimeMessage> sent = new ArrayList<>();
        for (MimeMessage mail : MAIL.getReceivedMessages()) {
            if (((InternetAddress) mail.getFrom()[0]).getAddress().equals(USER)) {
                sent.add(mail);
            }
        }
        return sent;
    }

    private static List<JsonNode> reviews(String servers, String topic) throws IOException {
        List<JsonNode> held = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : TopicRecords.all(servers, topic)) {
            held.add(JSON.readTree(record.value()));
        }
        return held;
    }

    private static List<JsonNode> accepted(String servers, String topic) throws IOException {
        List<JsonNode> events = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> record : TopicRecords.all(servers, topic)) {
            JsonNode event = JSON.readTree(record.value());
            if (event.path("type").asText().equals("invoice.accepted")) {
                assertThat(new EventParser().parse(record.value())).isInstanceOf(EventParser.Accepted.class);
                events.add(event);
            }
        }
        return events;
    }

    /** The example workflow as shipped, reading this test's topic from its start. */
    private Path exampleOnTopic(String topic) throws IOException {
        String text = Files.readString(Path.of("examples/invoice-intake.yaml"));
        assertThat(text).contains("  topic: switchboard.events\n");
        Path copy = dir.resolve("invoice-intake.yaml");
        Files.writeString(copy, text.replace("  topic: switchboard.events\n", "  topic: " + topic + "\n  start: earliest\n"));
        return copy;
    }
}
