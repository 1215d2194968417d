package dev.switchboard.workflows.streams;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.workflows.model.ScheduleTrigger;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
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

/** Payment reminders: a ladder of stages over the open receivables, each stage once, none once paid. */
class OverdueTopologyTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant START = Instant.parse("2026-12-01T08:00:00Z");

    @TempDir
    Path state;

    private TopologyTestDriver driver;
    private TestInputTopic<String, byte[]> open;
    private TestOutputTopic<String, byte[]> reminders;

    @BeforeEach
    void start() {
        ScheduleTrigger daily = new ScheduleTrigger(null, "P1D", "UTC", null, null, new ScheduleTrigger.Overdue(List.of(
                new ScheduleTrigger.Stage("friendly", "P7D"), new ScheduleTrigger.Stage("firm", "P14D"), new ScheduleTrigger.Stage("final", "P30D"))));
        driver = new TopologyTestDriver(OverdueTopology.build("payment-reminders", daily, "invoices.open", "reminders", StreamsObserver.NONE),
                Events.driver(state), START);
        open = driver.createInputTopic("invoices.open", new StringSerializer(), new ByteArraySerializer());
        reminders = driver.createOutputTopic("reminders", new StringDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    @Test
    void should_send_each_invoice_the_latest_stage_it_reached_once_when_the_schedule_falls_due() {
        // given on 1 December: A due 23 November, B due 11 November (partly paid), C due 29 November, and a supplier's invoice long overdue
        open("A", OpenInvoice.RECEIVABLE, "2026-11-23", "588.00", "0");
        open("B", OpenInvoice.RECEIVABLE, "2026-11-11", "2370.00", "370.00");
        open("C", OpenInvoice.RECEIVABLE, "2026-11-29", "312.00", "0");
        open("S", OpenInvoice.PAYABLE, "2026-09-01", "1000.00", "0");

        // when the daily schedule first falls due, on 2 December, and again the next day
        driver.advanceWallClockTime(Duration.ofHours(23));
        assertThat(reminders.isEmpty()).as("not due yet").isTrue();
        driver.advanceWallClockTime(Duration.ofHours(1));
        List<JsonNode> first = read();
        driver.advanceWallClockTime(Duration.ofDays(1));

        // then A is 9 days overdue (friendly); B is 21 (firm: friendly is passed over); C and the payable get nothing; no repeats
        assertThat(first).extracting(event -> event.path("subject").asText() + " " + event.path("data").path("stage").asText())
                .containsExactlyInAnyOrder("A friendly", "B firm");
        JsonNode b = first.stream().filter(event -> event.path("subject").asText().equals("B")).findFirst().orElseThrow();
        assertThat(b.path("type").asText()).isEqualTo("invoice.overdue");
        assertThat(b.path("data").path("days_overdue").asInt()).isEqualTo(21);
        assertThat(b.path("data").path("outstanding").asText()).isEqualTo("2000.00");
        assertThat(b.path("data").path("stage_number").asInt()).isEqualTo(2);
        assertThat(b.path("data").path("stage_count").asInt()).isEqualTo(3);
        assertThat(b.path("data").path("customer").path("email").asText()).isEqualTo("ap@b.example.com");
        assertThat(reminders.isEmpty()).isTrue();
    }

    @Test
    void should_stop_reminding_an_invoice_when_reconciliation_marks_it_paid() {
        // given A got its friendly reminder on 2 December
        open("A", OpenInvoice.RECEIVABLE, "2026-11-23", "588.00", "0");
        open("C", OpenInvoice.RECEIVABLE, "2026-11-29", "312.00", "0");
        driver.advanceWallClockTime(Duration.ofDays(1));
        assertThat(read()).extracting(event -> event.path("subject").asText() + " " + event.path("data").path("stage").asText())
                .containsExactly("A friendly");

        // when A is paid (the open-invoices topic deletes it), and the days go by
        open.pipeInput("A", null);
        for (int day = 0; day < 30; day++) {
            driver.advanceWallClockTime(Duration.ofDays(1));
        }

        // then A gets neither firm (7 December) nor final (23 December); C, still open, climbs the ladder once per stage
        assertThat(read()).extracting(event -> event.path("subject").asText() + " " + event.path("data").path("stage").asText()
                        + " " + event.path("time").asText().substring(0, 10))
                .containsExactly("C friendly 2026-12-06", "C firm 2026-12-13", "C final 2026-12-29");
    }

    @Test
    void should_give_the_same_event_id_when_a_stage_is_sent_again_after_its_state_was_lost() {
        // given
        open("A", OpenInvoice.RECEIVABLE, "2026-11-23", "588.00", "0");
        driver.advanceWallClockTime(Duration.ofDays(1));
        String id = read().get(0).path("id").asText();

        // when the same invoice and stage are computed afresh by another stage instance
        driver.close();
        start();
        open("A", OpenInvoice.RECEIVABLE, "2026-11-23", "588.00", "0");
        driver.advanceWallClockTime(Duration.ofDays(1));

        // then delivery sees the same task id
        assertThat(read().get(0).path("id").asText()).isEqualTo(id);
    }

    private void open(String id, String kind, String dueDate, String total, String paid) {
        OpenInvoice invoice = new OpenInvoice(id, "NW-" + id, kind, new OpenInvoice.Counterparty("Customer " + id,
                "ap@" + id.toLowerCase() + ".example.com", null, "en"), "EUR", new BigDecimal(total), new BigDecimal(paid), "2026-10-01",
                dueDate, null, null, List.of());
        open.pipeInput(id, ReconcileEvents.state(invoice));
    }

    private List<JsonNode> read() {
        return reminders.readValuesToList().stream().map(bytes -> {
            try {
                return JSON.readTree(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).toList();
    }
}
