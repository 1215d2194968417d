package dev.switchboard.workflows.streams;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.schemas.events.CloudEventsKafka;
import dev.switchboard.schemas.events.EventParser;
import dev.switchboard.workflows.model.WindowTrigger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WindowTopologyTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant DAY = Instant.parse("2026-11-02T00:00:00Z");

    @TempDir
    Path state;

    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> in;
    private TestOutputTopic<String, byte[]> out;
    private int ids;

    private void start(WindowTrigger window, String filter) {
        driver = new TopologyTestDriver(WindowTopology.build("escalate", "events", Set.of("ticket.created"), filter, window,
                "derived", StreamsObserver.NONE), Events.driver(state));
        in = driver.createInputTopic("events", new ByteArraySerializer(), new ByteArraySerializer());
        out = driver.createOutputTopic("derived", new StringDeserializer(), new ByteArrayDeserializer());
    }

    private static WindowTrigger tumbling(String size, String grace, String emit) {
        return new WindowTrigger("event.data.account_id", "tumbling", size, null, null, grace, "count >= 3", null, emit);
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    private void ticket(String account, Instant time) {
        in.pipeInput(account.getBytes(StandardCharsets.UTF_8), Events.ticket("evt-" + (++ids), account, time), time);
    }

    private List<JsonNode> fired() {
        return out.readValuesToList().stream().map(bytes -> {
            try {
                return JSON.readTree(bytes);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).toList();
    }

    @Test
    void should_fire_once_when_third_ticket_of_an_account_arrives_within_the_day() {
        // given
        start(tumbling("PT24H", "PT0S", "early"), null);

        // when acme sends four tickets in a day, globex two
        ticket("acme", DAY.plus(Duration.ofHours(1)));
        ticket("globex", DAY.plus(Duration.ofHours(2)));
        ticket("acme", DAY.plus(Duration.ofHours(3)));
        ticket("acme", DAY.plus(Duration.ofHours(4)));
        ticket("acme", DAY.plus(Duration.ofHours(5)));
        ticket("globex", DAY.plus(Duration.ofHours(6)));

        // then one event fires, at the third acme ticket, with the window and the ids
        List<JsonNode> fired = fired();
        assertThat(fired).hasSize(1);
        JsonNode event = fired.get(0);
        assertThat(event.path("type").asText()).isEqualTo("switchboard.window.fired");
        assertThat(event.path("data").path("key").asText()).isEqualTo("acme");
        assertThat(event.path("data").path("count").asLong()).isEqualTo(3);
        assertThat(event.path("data").path("window").path("start").asText()).isEqualTo("2026-11-02T00:00:00Z");
        assertThat(event.path("data").path("window").path("end").asText()).isEqualTo("2026-11-03T00:00:00Z");
        assertThat(event.path("data").path("event_ids")).extracting(JsonNode::asText).containsExactly("evt-1", "evt-3", "evt-4");
        assertThat(new EventParser().parse(event.toString().getBytes(StandardCharsets.UTF_8))).isInstanceOf(EventParser.Accepted.class);
        assertThat(Events.schemaProblems(event)).isEmpty();
    }

    @Test
    void should_read_and_write_binary_mode_events_when_the_engine_writes_binary() {
        // given a window that writes binary mode, and tickets that arrive in binary mode (time in the ce_time header)
        driver = new TopologyTestDriver(WindowTopology.build("escalate", "events", Set.of("ticket.created"), null, tumbling("PT24H", "PT0S", "early"),
                "derived", StreamsObserver.NONE, CloudEventsKafka.Mode.BINARY), Events.driver(state));
        in = driver.createInputTopic("events", new ByteArraySerializer(), new ByteArraySerializer());
        out = driver.createOutputTopic("derived", new StringDeserializer(), new ByteArrayDeserializer());

        // when three acme tickets arrive within the day, each produced a week after it happened
        for (int hour = 1; hour <= 3; hour++) {
            Instant time = DAY.plus(Duration.ofHours(hour));
            CloudEventsKafka.Binary binary = CloudEventsKafka.toBinary(Events.ticket("evt-" + hour, "acme", time));
            RecordHeaders headers = new RecordHeaders();
            binary.headers().forEach((name, value) -> headers.add(name, value.getBytes(StandardCharsets.UTF_8)));
            in.pipeInput(new TestRecord<>("acme".getBytes(StandardCharsets.UTF_8), binary.value(), headers, time.plus(Duration.ofDays(7))));
        }

        // then the window counted them by event time, and its event is written in binary mode and reads back whole
        TestRecord<String, byte[]> record = out.readRecord();
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        record.headers().forEach(header -> headers.put(header.key(), new String(header.value(), StandardCharsets.UTF_8)));
        assertThat(headers).containsEntry("ce_type", "switchboard.window.fired").containsKey("ce_id").containsEntry("content-type", "application/json");
        EventParser.Result parsed = new EventParser().parse(record.value(), headers);
        assertThat(parsed).isInstanceOf(EventParser.Accepted.class);
        JsonNode event = ((EventParser.Accepted) parsed).event();
        assertThat(event.path("data").path("event_ids")).extracting(JsonNode::asText).containsExactly("evt-1", "evt-2", "evt-3");
        assertThat(event.path("data").path("window").path("start").asText()).isEqualTo("2026-11-02T00:00:00Z");
        assertThat(out.isEmpty()).isTrue();
    }

    @Test
    void should_fire_again_when_next_window_reaches_the_condition() {
        // given
        start(tumbling("PT24H", "PT0S", "early"), null);

        // when
        for (int day = 0; day < 2; day++) {
            for (int i = 0; i < 3; i++) {
                ticket("acme", DAY.plus(Duration.ofDays(day)).plus(Duration.ofHours(i + 1)));
            }
        }

        // then one per window, each with its own deterministic id
        List<JsonNode> fired = fired();
        assertThat(fired).hasSize(2);
        assertThat(fired.get(0).path("id").asText()).isNotEqualTo(fired.get(1).path("id").asText());
    }

    @Test
    void should_count_late_ticket_when_it_arrives_within_grace_and_drop_it_after() {
        // given a day window with one hour of grace, and two acme tickets on day one
        start(tumbling("PT24H", "PT1H", "early"), null);
        ticket("acme", DAY.plus(Duration.ofHours(1)));
        ticket("acme", DAY.plus(Duration.ofHours(2)));

        // when stream time passes midnight by 30 minutes and a day-one ticket arrives late
        ticket("globex", DAY.plus(Duration.ofHours(24)).plus(Duration.ofMinutes(30)));
        ticket("acme", DAY.plus(Duration.ofHours(23)));

        // then it still counts
        assertThat(fired()).hasSize(1);

        // and when stream time passes midnight plus grace, a late one for another account is dropped
        ticket("initech", DAY.plus(Duration.ofHours(3)));
        ticket("initech", DAY.plus(Duration.ofHours(4)));
        ticket("globex", DAY.plus(Duration.ofHours(26)));
        ticket("initech", DAY.plus(Duration.ofHours(5)));
        assertThat(fired()).isEmpty();
    }

    @Test
    void should_fire_once_at_window_close_when_emit_is_final() {
        // given
        start(tumbling("PT24H", "PT10M", "final"), null);

        // when acme sends four tickets in the day
        for (int i = 1; i <= 4; i++) {
            ticket("acme", DAY.plus(Duration.ofHours(i)));
        }

        // then nothing before the window closes
        assertThat(fired()).isEmpty();

        // and when stream time passes the end plus grace, one event with the final count
        ticket("globex", DAY.plus(Duration.ofHours(24)).plus(Duration.ofMinutes(11)));
        List<JsonNode> fired = fired();
        assertThat(fired).hasSize(1);
        assertThat(fired.get(0).path("data").path("count").asLong()).isEqualTo(4);
    }

    @Test
    void should_fire_per_session_when_window_is_a_session() {
        // given sessions that close after 30 minutes without tickets
        start(new WindowTrigger("event.data.account_id", "session", null, null, "PT30M", "PT0S", "count >= 3", null, "early"), null);

        // when two tickets, a pause, then three close together
        ticket("acme", DAY.plus(Duration.ofMinutes(0)));
        ticket("acme", DAY.plus(Duration.ofMinutes(10)));
        ticket("acme", DAY.plus(Duration.ofMinutes(100)));
        ticket("acme", DAY.plus(Duration.ofMinutes(110)));
        ticket("acme", DAY.plus(Duration.ofMinutes(120)));

        // then only the second session fires
        List<JsonNode> fired = fired();
        assertThat(fired).hasSize(1);
        assertThat(fired.get(0).path("data").path("window").path("start").asText()).isEqualTo("2026-11-02T01:40:00Z");
    }

    @Test
    void should_fire_per_hopping_window_when_windows_overlap() {
        // given two-hour windows every hour
        start(new WindowTrigger("event.data.account_id", "hopping", "PT2H", "PT1H", null, "PT0S", "count >= 2", null, "early"), null);

        // when two tickets fall in the overlap of two windows
        ticket("acme", DAY.plus(Duration.ofMinutes(70)));
        ticket("acme", DAY.plus(Duration.ofMinutes(80)));

        // then each window fires once
        assertThat(fired()).hasSize(2);
    }

    @Test
    void should_sum_values_and_filter_events_when_value_and_filter_are_set() {
        // given a condition on a sum of amounts, counting only acme
        start(new WindowTrigger("event.data.account_id", "tumbling", "PT24H", null, null, "PT0S", "sum >= 100.0", "event.data.amount", "early"),
                "event.data.account_id == 'acme'");

        // when ids evt-1..evt-9 give amounts of 50 each
        for (int i = 0; i < 3; i++) {
            ticket("globex", DAY.plus(Duration.ofMinutes(i)));
        }
        ticket("acme", DAY.plus(Duration.ofMinutes(10)));
        ticket("acme", DAY.plus(Duration.ofMinutes(20)));

        // then
        List<JsonNode> fired = fired();
        assertThat(fired).hasSize(1);
        assertThat(fired.get(0).path("data").path("sum").asDouble()).isEqualTo(100.0);
        assertThat(fired.get(0).path("data").path("key").asText()).isEqualTo("acme");
        assertThat(Events.schemaProblems(fired.get(0))).isEmpty();
    }
}
