package dev.switchboard.workflows.streams;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.workflows.model.WindowTrigger;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** on.window.baseline: a window compared with the key's history, by value and by count per window. */
class WindowBaselineTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant DAY = Instant.parse("2026-10-01T00:00:00Z");

    @TempDir
    Path state;

    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> in;
    private TestOutputTopic<String, byte[]> out;
    private int ids;

    @AfterEach
    void tearDown() {
        driver.close();
    }

    @Test
    void should_fire_when_an_invoice_is_far_above_the_suppliers_earlier_invoices() {
        // given invoices compared with the supplier's last 10, once it has 3
        start(new WindowTrigger("event.data.supplier", "tumbling", "P1D", null, null, "PT0S",
                "baseline.count >= 3.0 && value > baseline.mean + 4.0 * baseline.stddev", "event.data.total", "early",
                new WindowTrigger.Baseline("value", 10)));

        // when the supplier's invoices hover around 100, another supplier sends one of 5000, then one of 1000 comes
        invoice("cirrus", 100, 0);
        invoice("cirrus", 110, 1);
        invoice("cirrus", 90, 2);
        invoice("kabelwerk", 5000, 3);
        invoice("cirrus", 105, 4);
        invoice("cirrus", 1000, 5);
        invoice("cirrus", 115, 6);

        // then only the 1000 fires, with the baseline it was compared with
        List<JsonNode> fired = fired();
        assertThat(fired).hasSize(1);
        JsonNode data = fired.get(0).path("data");
        assertThat(data.path("key").asText()).isEqualTo("cirrus");
        assertThat(data.path("value").asDouble()).isEqualTo(1000.0);
        assertThat(data.path("baseline").path("count").asDouble()).isEqualTo(4.0);
        assertThat(data.path("baseline").path("mean").asDouble()).isEqualTo(101.25);
        assertThat(data.path("baseline").path("median").asDouble()).isEqualTo(102.5);
        assertThat(data.path("baseline").path("stddev").asDouble()).isCloseTo(8.539, org.assertj.core.data.Offset.offset(0.001));
    }

    @Test
    void should_not_fire_before_the_key_has_history_when_the_condition_asks_for_it() {
        // given
        start(new WindowTrigger("event.data.supplier", "tumbling", "P1D", null, null, "PT0S",
                "baseline.count >= 3.0 && value > baseline.mean + 4.0 * baseline.stddev", "event.data.total", "early",
                new WindowTrigger.Baseline("value", 10)));

        // when a new supplier's first invoices differ wildly
        invoice("neon", 10, 0);
        invoice("neon", 9000, 1);

        // then
        assertThat(fired()).isEmpty();
    }

    @Test
    void should_compare_with_earlier_hours_counting_quiet_ones_as_zero_when_the_baseline_is_of_counts() {
        // given refunds per hour against the last 24 hours, a spike being 3 above the median plus 5 MADs
        start(new WindowTrigger("event.data.supplier", "tumbling", "PT1H", null, null, "PT0S",
                "baseline.count >= 6.0 && count > baseline.median + 5.0 * baseline.mad + 3.0", null, "early",
                new WindowTrigger.Baseline("count", 24)));
        Instant hour = DAY;

        // when one refund an hour for six hours, except a quiet third hour, then ten in the seventh
        for (int h = 0; h < 6; h++) {
            if (h != 2) {
                refund(hour.plus(Duration.ofHours(h)).plusSeconds(60));
            }
        }
        for (int i = 0; i < 10; i++) {
            refund(hour.plus(Duration.ofHours(6)).plusSeconds(60 + i));
        }

        // then the seventh hour fires once, at its fifth refund, compared with [1, 1, 1, 0, 1, 1]
        List<JsonNode> fired = fired();
        assertThat(fired).hasSize(1);
        JsonNode data = fired.get(0).path("data");
        assertThat(data.path("count").asLong()).isEqualTo(5);
        assertThat(data.path("baseline").path("count").asDouble()).isEqualTo(6.0);
        assertThat(data.path("baseline").path("median").asDouble()).isEqualTo(1.0);
        assertThat(data.path("baseline").path("mad").asDouble()).isEqualTo(0.0);
        assertThat(data.path("baseline").path("mean").asDouble()).isCloseTo(5.0 / 6, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(data.path("window").path("start").asText()).isEqualTo("2026-10-01T06:00:00Z");
    }

    private void start(WindowTrigger window) {
        driver = new TopologyTestDriver(WindowTopology.build("anomalies", "events", Set.of("invoice.accepted", "refund"), null, window,
                "derived", StreamsObserver.NONE), Events.driver(state));
        in = driver.createInputTopic("events", new ByteArraySerializer(), new ByteArraySerializer());
        out = driver.createOutputTopic("derived", new StringDeserializer(), new ByteArrayDeserializer());
    }

    private void invoice(String supplier, double total, int day) {
        Instant time = DAY.plus(Duration.ofDays(day)).plusSeconds(3600);
        send("invoice.accepted", "{\"supplier\":\"" + supplier + "\",\"total\":\"" + String.format(java.util.Locale.ROOT, "%.2f", total) + "\"}", time);
    }

    private void refund(Instant time) {
        send("refund", "{\"supplier\":\"shop\"}", time);
    }

    private void send(String type, String data, Instant time) {
        byte[] event = ("{\"specversion\":\"1.0\",\"id\":\"e" + (++ids) + "\",\"source\":\"/test\",\"type\":\"" + type + "\",\"time\":\""
                + time + "\",\"data\":" + data + "}").getBytes(StandardCharsets.UTF_8);
        in.pipeInput("k".getBytes(StandardCharsets.UTF_8), event, time);
    }

    private List<JsonNode> fired() {
        return out.readValuesToList().stream().map(bytes -> {
            try {
                return JSON.readTree(bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).toList();
    }
}
