package dev.switchboard.workflows.streams;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.schemas.events.ExactJson;
import dev.switchboard.workflows.model.ScheduleTrigger;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The business half of a digest: invoices, payments, reminders and tickets of the period, open and overdue invoices at its end. */
class DigestBusinessTest {

    private static final ObjectMapper JSON = ExactJson.mapper();
    private static final Instant MONDAY_8AM = Instant.parse("2026-11-30T08:00:00Z");

    @TempDir
    Path state;

    private TopologyTestDriver driver;
    private TestOutputTopic<String, byte[]> out;

    @BeforeEach
    void start() {
        ScheduleTrigger weekly = new ScheduleTrigger("0 9 * * MON", null, "UTC", null, List.of("events", "finance"), null);
        driver = new TopologyTestDriver(DigestTopology.build("weekly-report", weekly,
                new DigestTopology.Sources("tasks", "deliveries", "audit", "review", List.of("events", "finance"), "invoices.open"),
                "digest", StreamsObserver.NONE), Events.driver(state), MONDAY_8AM);
        out = driver.createOutputTopic("digest", new StringDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void should_sum_the_business_of_the_week_by_currency_when_the_report_falls_due() {
        // given the week's events (amounts as exact decimal strings, one still a number), tasks and the open invoices
        send("events", event("invoice.accepted", "{\"currency\":\"EUR\",\"total\":\"870.00\"}"));
        send("events", event("invoice.accepted", "{\"currency\":\"EUR\",\"total\":\"1167.95\"}"));
        send("events", event("invoice.accepted", "{\"currency\":\"GBP\",\"total\":\"198.00\"}"));
        send("events", event("invoice.issued", "{\"currency\":\"USD\",\"total\":\"948.00\"}"));
        send("events", event("ticket.created", "{\"subject\":\"Export fails\"}"));
        send("events", event("ticket.created", "{\"subject\":\"Refund\"}"));
        send("events", event("email.received", "{\"subject\":\"not counted\"}"));
        send("finance", event("invoice.paid", "{\"currency\":\"EUR\",\"payment\":{\"applied\":\"870.00\"}}"));
        send("finance", event("invoice.partially_paid", "{\"currency\":\"EUR\",\"payment\":{\"applied\":\"500.00\"}}"));
        send("finance", event("payment.unmatched", "{\"currency\":\"EUR\",\"amount\":\"38.50\"}"));
        send("finance", event("invoice.overdue", "{\"currency\":\"USD\",\"outstanding\":948.00,\"stage\":\"final\"}"));
        send("tasks", "{\"id\":\"t1\",\"workflow\":\"triage\",\"sink\":\"crm\",\"eventType\":\"ticket.created\",\"fields\":{\"label\":\"bug\",\"minutes_saved\":\"6\"}}");
        send("tasks", "{\"id\":\"t2\",\"workflow\":\"triage\",\"sink\":\"crm\",\"eventType\":\"ticket.created\",\"fields\":{\"label\":\"billing\",\"minutes_saved\":4.5}}");
        open("13-kabelwerk", "{\"kind\":\"payable\",\"currency\":\"EUR\",\"outstanding\":667.95,\"due_date\":\"2026-11-02\"}");
        open("04-cirrus", "{\"kind\":\"payable\",\"currency\":\"EUR\",\"outstanding\":1086.00,\"due_date\":\"2026-12-03\"}");
        open("NW-1038", "{\"kind\":\"receivable\",\"currency\":\"USD\",\"outstanding\":948.00,\"due_date\":\"2026-10-15\"}");
        open("01-paid", "{\"kind\":\"payable\",\"currency\":\"EUR\",\"outstanding\":870.00,\"due_date\":\"2026-10-06\"}");
        open("01-paid", null);

        // when
        driver.advanceWallClockTime(Duration.ofHours(1));

        // then
        JsonNode business = digest().path("data").path("business");
        assertThat(business.path("invoices").path("received").path("count").asInt()).isEqualTo(3);
        assertThat(business.path("invoices").path("received").path("amount").path("EUR").decimalValue()).isEqualByComparingTo("2037.95");
        assertThat(business.path("invoices").path("received").path("amount_text").asText()).isEqualTo("EUR 2,037.95 · GBP 198.00");
        assertThat(business.path("invoices").path("issued").path("count").asInt()).isEqualTo(1);
        assertThat(business.path("invoices").path("paid").path("amount").path("EUR").decimalValue()).isEqualByComparingTo("870.00");
        assertThat(business.path("invoices").path("partially_paid").path("count").asInt()).isEqualTo(1);
        assertThat(business.path("payments").path("unmatched").path("amount_text").asText()).isEqualTo("EUR 38.50");
        assertThat(business.path("reminders").path("by_stage").path("final").asInt()).isEqualTo(1);
        assertThat(business.path("tickets").path("created").asInt()).isEqualTo(2);
        assertThat(business.path("tickets").path("by_label").path("bug").asInt()).isEqualTo(1);
        JsonNode payable = business.path("open").path("payable");
        assertThat(payable.path("count").asInt()).as("the paid one left the table").isEqualTo(2);
        assertThat(payable.path("outstanding").path("EUR").decimalValue()).isEqualByComparingTo("1753.95");
        assertThat(payable.path("overdue").path("count").asInt()).as("due before 30 November").isEqualTo(1);
        assertThat(payable.path("overdue").path("outstanding_text").asText()).isEqualTo("EUR 667.95");
        assertThat(business.path("open").path("receivable").path("overdue").path("outstanding_text").asText()).isEqualTo("USD 948.00");
    }

    @Test
    void should_count_the_next_week_from_zero_but_keep_the_open_invoices_when_a_report_went_out() {
        // given a first week
        send("events", event("invoice.accepted", "{\"currency\":\"EUR\",\"total\":870.00}"));
        open("13-kabelwerk", "{\"kind\":\"payable\",\"currency\":\"EUR\",\"outstanding\":667.95,\"due_date\":\"2026-11-02\"}");
        driver.advanceWallClockTime(Duration.ofHours(1));
        assertThat(digest().path("data").path("business").path("invoices").path("received").path("count").asInt()).isEqualTo(1);

        // when the next Monday comes without new events
        driver.advanceWallClockTime(Duration.ofDays(7));

        // then the sums start again, the table does not
        JsonNode business = digest().path("data").path("business");
        assertThat(business.path("invoices").path("received").path("count").asInt()).isZero();
        assertThat(business.path("invoices").path("received").path("amount_text").asText()).isEqualTo("none");
        assertThat(business.path("open").path("payable").path("count").asInt()).isEqualTo(1);
        assertThat(digest().path("data").path("tasks").path("minutes_saved").asDouble()).isZero();
    }

    @Test
    void should_sum_the_minutes_tasks_save_when_their_fields_say() {
        // given
        send("tasks", "{\"id\":\"t1\",\"workflow\":\"triage\",\"sink\":\"crm\",\"fields\":{\"minutes_saved\":\"6\"}}");
        send("tasks", "{\"id\":\"t2\",\"workflow\":\"triage\",\"sink\":\"crm\",\"fields\":{\"minutes_saved\":4.5}}");
        send("tasks", "{\"id\":\"t3\",\"workflow\":\"triage\",\"sink\":\"crm\",\"fields\":{\"minutes_saved\":\"n/a\"}}");

        // when
        driver.advanceWallClockTime(Duration.ofHours(1));

        // then
        assertThat(digest().path("data").path("tasks").path("minutes_saved").asDouble()).isEqualTo(10.5);
    }

    private JsonNode last;

    private JsonNode digest() {
        List<byte[]> values = out.readValuesToList();
        if (!values.isEmpty()) {
            try {
                last = JSON.readTree(values.get(values.size() - 1));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return last;
    }

    private void send(String topic, String json) {
        TestInputTopic<byte[], byte[]> in = driver.createInputTopic(topic, new ByteArraySerializer(), new ByteArraySerializer());
        in.pipeInput("k".getBytes(StandardCharsets.UTF_8), json.getBytes(StandardCharsets.UTF_8));
    }

    private void open(String id, String state) {
        TestInputTopic<String, byte[]> in = driver.createInputTopic("invoices.open", new StringSerializer(), new ByteArraySerializer());
        in.pipeInput(id, state == null ? null : state.getBytes(StandardCharsets.UTF_8));
    }

    private static String event(String type, String data) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + type + "-" + System.nanoTime() + "\",\"source\":\"/test\",\"type\":\"" + type
                + "\",\"data\":" + data + "}";
    }

}
