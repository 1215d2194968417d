package dev.switchboard.workflows.streams;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.schemas.events.CloudEventsKafka;
import dev.switchboard.schemas.events.EventParser;
import dev.switchboard.schemas.events.ExactJson;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The reconciliation join: invoices and payments in, paid, partially paid and unmatched out. */
class ReconcileTopologyTest {

    private static final ObjectMapper JSON = ExactJson.mapper();
    private static final Instant START = Instant.parse("2026-12-01T06:00:00Z");

    @TempDir
    Path state;

    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> events;
    private TestOutputTopic<String, byte[]> finance;
    private TestOutputTopic<String, byte[]> open;

    @BeforeEach
    void start() {
        ReconcileTopology.Settings settings = new ReconcileTopology.Settings(List.of("events"), "finance", "invoices.open",
                new BigDecimal("0.01"), Duration.ofDays(3));
        driver = new TopologyTestDriver(ReconcileTopology.build(settings, StreamsObserver.NONE), Events.driver(state), START);
        events = driver.createInputTopic("events", new ByteArraySerializer(), new ByteArraySerializer());
        finance = driver.createOutputTopic("finance", new StringDeserializer(), new ByteArrayDeserializer());
        open = driver.createOutputTopic("invoices.open", new StringDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void should_mark_the_invoice_paid_and_delete_it_from_the_open_invoices_when_a_payment_quotes_its_number() {
        // given
        send(accepted("inv-13", "RE-26-10394", "Kabelwerk Nord GmbH", "1167.95", "2026-10-02"));

        // when
        send(sent("FR76/NWC1", "1167.95", "Kabelwerk Nord GmbH", "Rechnung RE-26-10394"));

        // then
        List<JsonNode> out = read(finance);
        assertThat(out).hasSize(1);
        JsonNode paid = out.get(0);
        assertThat(paid.path("type").asText()).isEqualTo("invoice.paid");
        assertThat(paid.path("subject").asText()).isEqualTo("inv-13");
        assertThat(paid.path("data").path("kind").asText()).isEqualTo("payable");
        assertThat(decimal(paid.path("data").path("outstanding"))).isEqualByComparingTo("0");
        assertThat(paid.path("data").path("payment").path("matched_by").asText()).isEqualTo("reference");
        assertThat(decimal(paid.path("data").path("payment").path("applied"))).isEqualByComparingTo("1167.95");
        List<KeyValue<String, byte[]>> states = open.readKeyValuesToList();
        assertThat(states).extracting(state -> state.key).containsExactly("inv-13", "inv-13");
        assertThat(json(states.get(0).value).path("status").asText()).isEqualTo("open");
        assertThat(states.get(1).value).as("a tombstone once paid").isNull();
    }

    @Test
    void should_leave_the_rest_open_when_a_payment_pays_part_of_the_invoice() {
        // given
        send(accepted("inv-22", "MS-0525-26", "Messebau Sommer GmbH", "8097.95", "2026-10-15"));

        // when a deposit, then the balance
        send(sent("FR76/NWC15", "2429.38", "Messebau Sommer GmbH", "1. Rate 30 % MS-0525-26"));

        // then the deposit leaves 5668.57 open
        JsonNode partial = read(finance).get(0);
        assertThat(partial.path("type").asText()).isEqualTo("invoice.partially_paid");
        assertThat(decimal(partial.path("data").path("paid"))).isEqualByComparingTo("2429.38");
        assertThat(decimal(partial.path("data").path("outstanding"))).isEqualByComparingTo("5668.57");
        List<KeyValue<String, byte[]>> states = open.readKeyValuesToList();
        assertThat(json(states.get(states.size() - 1).value).path("status").asText()).isEqualTo("partially_paid");
        assertThat(json(states.get(states.size() - 1).value).path("outstanding").decimalValue()).isEqualByComparingTo("5668.57");

        // and the balance pays it
        send(sent("FR76/NWC99", "5668.57", "Messebau Sommer GmbH", "MS-0525-26 Rest"));
        JsonNode paid = read(finance).get(0);
        assertThat(paid.path("type").asText()).isEqualTo("invoice.paid");
        assertThat(paid.path("data").path("payments")).hasSize(2);
    }

    @Test
    void should_match_by_amount_and_counterparty_when_the_payment_quotes_nothing() {
        // given two open invoices of the supplier, and one of another supplier for the same amount
        send(accepted("inv-09", "TL-734", "Traiteur Lumière", "1072.65", "2026-10-10"));
        send(accepted("inv-10", "TL-741", "Traiteur Lumière", "173.25", "2026-10-20"));
        send(accepted("inv-x", "X-1", "Papeterie du Marais SARL", "173.25", "2026-10-01"));

        // when the bank writes the name in capitals, without accents
        send(sent("FR76/NWC8", "173.25", "TRAITEUR LUMIERE", null));

        // then
        JsonNode paid = read(finance).get(0);
        assertThat(paid.path("subject").asText()).isEqualTo("inv-10");
        assertThat(paid.path("data").path("payment").path("matched_by").asText()).isEqualTo("amount_and_counterparty");
    }

    @Test
    void should_pay_each_quoted_invoice_in_turn_when_one_transfer_pays_several() {
        // given
        send(accepted("inv-07", "F18258", "Papeterie du Marais SARL", "300.00", "2026-11-01"));
        send(accepted("inv-08", "F18262", "Papeterie du Marais SARL", "412.16", "2026-11-05"));

        // when
        send(sent("FR76/NWC23", "712.16", "Papeterie du Marais SARL", "Factures F18258 F18262"));

        // then both are paid, each with its own share
        List<JsonNode> out = read(finance);
        assertThat(out).extracting(event -> event.path("type").asText() + " " + event.path("subject").asText() + " "
                        + decimal(event.path("data").path("payment").path("applied")).toPlainString())
                .containsExactly("invoice.paid inv-07 300.00", "invoice.paid inv-08 412.16");
    }

    @Test
    void should_take_the_invoice_whose_amount_the_payment_settles_when_two_invoices_share_a_number() {
        // given a supplier's duplicate invoice number
        send(accepted("inv-26", "BWD-1198", "Brightwater Design Ltd", "3780.00", "2026-10-20", "GBP"));
        send(accepted("inv-27", "BWD-1198", "Brightwater Design Ltd", "1320.00", "2026-10-11", "GBP"));

        // when
        send(sent("GB/NWC29", "3780.00", "Brightwater Design Ltd", "BWD-1198", "GBP"));

        // then the amount decides, not the older due date
        JsonNode paid = read(finance).get(0);
        assertThat(paid.path("type").asText()).isEqualTo("invoice.paid");
        assertThat(paid.path("subject").asText()).isEqualTo("inv-26");
    }

    @Test
    void should_count_a_payment_and_an_invoice_once_when_they_come_again() {
        // given
        send(accepted("inv-13", "RE-26-10394", "Kabelwerk Nord GmbH", "2000.00", "2026-10-02"));
        byte[] payment = sent("FR76/NWC1", "1000.00", "Kabelwerk Nord GmbH", "RE-26-10394");
        send(payment);
        read(finance);

        // when the statement is imported again, and the invoice accepted again
        send(payment);
        send(accepted("inv-13", "RE-26-10394", "Kabelwerk Nord GmbH", "2000.00", "2026-10-02"));

        // then nothing is paid twice and the invoice is not reopened
        assertThat(finance.isEmpty()).isTrue();
        send(sent("FR76/NWC2", "1000.00", "Kabelwerk Nord GmbH", "RE-26-10394"));
        assertThat(read(finance)).extracting(event -> event.path("type").asText()).containsExactly("invoice.paid");
    }

    @Test
    void should_settle_a_waiting_payment_when_its_invoice_arrives_after_it() {
        // given a payment before its invoice
        send(sent("FR76/NWC3", "42.84", "Hotel Isarblick GmbH", "Rechnung 2501 17"));
        assertThat(finance.isEmpty()).isTrue();

        // when
        send(accepted("inv-17", "250117", "Hotel Isarblick GmbH", "42.84", "2026-10-04"));

        // then
        JsonNode paid = read(finance).get(0);
        assertThat(paid.path("type").asText()).isEqualTo("invoice.paid");
        assertThat(paid.path("data").path("payment").path("payment_id").asText()).isEqualTo("FR76/NWC3");
        driver.advanceWallClockTime(Duration.ofDays(10));
        assertThat(finance.isEmpty()).as("a settled payment is never reported unmatched").isTrue();
    }

    @Test
    void should_report_a_payment_unmatched_once_when_no_invoice_takes_it_within_the_wait() {
        // given an incoming payment from an unknown payer, and a supplier's refund: no receivable to settle
        send(accepted("inv-01", "FA-2026-0414", "Hébergement Cirrus SAS", "870.00", "2026-10-06"));
        send(received("FR76/NWC20", "1250.00", "ATELIER ROUSSEAU", null));
        send(received("FR76/NWC9", "145.00", "Hébergement Cirrus SAS", "AVOIR AV-2026-031 sur facture FA-2026-0414"));

        // when the wall clock passes 2 days, then 3
        driver.advanceWallClockTime(Duration.ofDays(2));
        assertThat(finance.isEmpty()).isTrue();
        driver.advanceWallClockTime(Duration.ofDays(1));

        // then one payment.unmatched each, and no more later
        List<JsonNode> out = read(finance);
        assertThat(out).extracting(event -> event.path("type").asText()).containsOnly("payment.unmatched");
        assertThat(out).extracting(event -> event.path("data").path("payment_id").asText())
                .containsExactlyInAnyOrder("FR76/NWC20", "FR76/NWC9");
        JsonNode rousseau = out.stream().filter(event -> event.path("subject").asText().equals("FR76/NWC20")).findFirst().orElseThrow();
        assertThat(rousseau.path("data").path("unmatched_days").asInt()).isEqualTo(3);
        assertThat(rousseau.path("data").path("received_at").asText()).isEqualTo(START.toString());
        assertThat(rousseau.path("data").path("counterparty").path("name").asText()).isEqualTo("ATELIER ROUSSEAU");
        driver.advanceWallClockTime(Duration.ofDays(5));
        assertThat(finance.isEmpty()).isTrue();
    }

    @Test
    void should_settle_a_receivable_with_a_payment_received_when_a_customer_pays() {
        // given an invoice we issued
        send(issued("NW-2026-1042", "Brightside Bakery", "588.00", "2026-10-31"));

        // when the customer pays it, quoting it
        send(received("FR76/REF-0001", "588.00", "Brightside Bakery Ltd", "Invoice NW-2026-1042"));

        // then
        JsonNode paid = read(finance).get(0);
        assertThat(paid.path("type").asText()).isEqualTo("invoice.paid");
        assertThat(paid.path("data").path("kind").asText()).isEqualTo("receivable");
        assertThat(paid.path("data").path("counterparty").path("email").asText()).isEqualTo("ap@brightside.example.com");
    }

    @Test
    void should_read_and_write_binary_mode_events_when_the_engine_writes_binary() {
        // given the stage writing binary mode, and an invoice and its payment arriving in binary mode
        driver.close();
        ReconcileTopology.Settings settings = new ReconcileTopology.Settings(List.of("events"), "finance", "invoices.open",
                new BigDecimal("0.01"), Duration.ofDays(3));
        driver = new TopologyTestDriver(ReconcileTopology.build(settings, StreamsObserver.NONE, CloudEventsKafka.Mode.BINARY),
                Events.driver(state), START);
        events = driver.createInputTopic("events", new ByteArraySerializer(), new ByteArraySerializer());
        finance = driver.createOutputTopic("finance", new StringDeserializer(), new ByteArrayDeserializer());

        // when
        for (byte[] event : List.of(accepted("inv-13", "RE-26-10394", "Kabelwerk Nord GmbH", "1167.95", "2026-10-02"),
                sent("FR76/NWC1", "1167.95", "Kabelwerk Nord GmbH", "Rechnung RE-26-10394"))) {
            CloudEventsKafka.Binary binary = CloudEventsKafka.toBinary(event);
            RecordHeaders headers = new RecordHeaders();
            binary.headers().forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
            events.pipeInput(new TestRecord<>("k".getBytes(StandardCharsets.UTF_8), binary.value(), headers, START));
        }

        // then the invoice is paid, and the event is written in binary mode and reads back whole
        TestRecord<String, byte[]> record = finance.readRecord();
        Map<String, String> headers = new LinkedHashMap<>();
        record.headers().forEach(header -> headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8)));
        assertThat(headers).containsEntry("ce_type", "invoice.paid").containsEntry("ce_subject", "inv-13");
        EventParser.Result parsed = new EventParser().parse(record.value(), headers);
        assertThat(parsed).isInstanceOf(EventParser.Accepted.class);
        assertThat(((EventParser.Accepted) parsed).event().path("data").path("outstanding").asText()).isEqualTo("0.00");
        assertThat(finance.isEmpty()).isTrue();
    }

    // ---- events -----------------------------------------------------------------------------------

    private void send(byte[] event) {
        events.pipeInput("k".getBytes(StandardCharsets.UTF_8), event);
    }

    static byte[] accepted(String id, String number, String supplier, String total, String dueDate) {
        return accepted(id, number, supplier, total, dueDate, "EUR");
    }

    static byte[] accepted(String id, String number, String supplier, String total, String dueDate, String currency) {
        return event("invoice.accepted", id, "{\"invoice_key\":\"" + id + "\",\"invoice_number\":\"" + number + "\",\"supplier\":{\"name\":\""
                + supplier + "\"},\"issue_date\":\"2026-09-01\",\"due_date\":\"" + dueDate + "\",\"currency\":\"" + currency
                + "\",\"total\":\"" + total + "\"}");
    }

    static byte[] issued(String number, String customer, String total, String dueDate) {
        return event("invoice.issued", number, "{\"invoice_key\":\"" + number + "\",\"invoice_number\":\"" + number + "\",\"customer\":{\"name\":\""
                + customer + "\",\"email\":\"ap@brightside.example.com\"},\"issue_date\":\"2026-10-01\",\"due_date\":\"" + dueDate
                + "\",\"currency\":\"EUR\",\"total\":" + total + "}");
    }

    static byte[] sent(String id, String amount, String creditor, String remittance) {
        return sent(id, amount, creditor, remittance, "EUR");
    }

    static byte[] sent(String id, String amount, String creditor, String remittance, String currency) {
        return payment("payment.sent", "debit", id, amount, creditor, remittance, currency);
    }

    static byte[] received(String id, String amount, String debtor, String remittance) {
        return payment("payment.received", "credit", id, amount, debtor, remittance, "EUR");
    }

    private static byte[] payment(String type, String direction, String id, String amount, String party, String remittance, String currency) {
        return event(type, id, "{\"payment_id\":\"" + id + "\",\"direction\":\"" + direction + "\",\"amount\":\"" + amount + "\",\"currency\":\""
                + currency + "\",\"booking_date\":\"2026-10-20\",\"account\":{\"id\":\"FR76\"},\"counterparty\":{\"name\":\"" + party
                + "\"},\"remittance\":{" + (remittance == null ? "" : "\"unstructured\":\"" + remittance + "\",") + "\"references\":[]}}");
    }

    private static byte[] event(String type, String id, String data) {
        return ("{\"specversion\":\"1.0\",\"id\":\"" + type + "/" + id + "\",\"source\":\"/test\",\"type\":\"" + type
                + "\",\"time\":\"2026-10-20T00:00:00Z\",\"data\":" + data + "}").getBytes(StandardCharsets.UTF_8);
    }

    /** Derived events carry amounts as exact decimal strings. */
    private static BigDecimal decimal(JsonNode amount) {
        assertThat(amount.isTextual()).as("an exact decimal string: %s", amount).isTrue();
        return new BigDecimal(amount.asText());
    }

    private static List<JsonNode> read(TestOutputTopic<String, byte[]> topic) {
        return topic.readValuesToList().stream().map(ReconcileTopologyTest::json).toList();
    }

    private static JsonNode json(byte[] bytes) {
        try {
            return JSON.readTree(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
