package dev.switchboard.workflows.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.workflows.config.DefaultOptions;
import dev.switchboard.workflows.config.StreamsSettings;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DedupTopologyTest {

    private static final Instant T0 = Instant.parse("2026-11-02T09:00:00Z");

    @TempDir
    Path state;

    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> in;
    private TestOutputTopic<byte[], byte[]> out;
    private final Map<String, Integer> counts = new ConcurrentHashMap<>();

    private void start(String key) {
        driver = new TopologyTestDriver(DedupTopology.build("raw", "unique", Duration.ofHours(24), key,
                (stage, outcome) -> counts.merge(outcome, 1, Integer::sum)), Events.driver(state));
        in = driver.createInputTopic("raw", new ByteArraySerializer(), new ByteArraySerializer());
        out = driver.createOutputTopic("unique", new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    private void send(String id, String account, Instant time) {
        in.pipeInput(new TestRecord<>(account.getBytes(StandardCharsets.UTF_8), Events.ticket(id, account, time), time));
    }

    @Test
    void should_drop_event_when_its_id_was_seen_within_the_window() {
        // given
        start("event.id");

        // when the same event arrives three times within a day, next to another one
        send("evt-1", "acme", T0);
        send("evt-2", "acme", T0.plusSeconds(1));
        send("evt-1", "acme", T0.plusSeconds(60));
        send("evt-1", "acme", T0.plus(Duration.ofHours(23)));

        // then each passes once, the copies are counted as dropped
        assertThat(out.readValuesToList()).extracting(Events::text)
                .hasSize(2).anySatisfy(v -> assertThat(v).contains("evt-1")).anySatisfy(v -> assertThat(v).contains("evt-2"));
        assertThat(counts).containsEntry("passed", 2).containsEntry("dropped", 2);
    }

    @Test
    void should_pass_event_again_when_the_window_has_passed() {
        // given
        start("event.id");
        send("evt-1", "acme", T0);

        // when the copy comes more than a day later (stream time moved on with other events)
        send("evt-2", "acme", T0.plus(Duration.ofHours(30)));
        send("evt-1", "acme", T0.plus(Duration.ofHours(49)));

        // then it is a new event again
        assertThat(out.readValuesToList()).hasSize(3);
    }

    @Test
    void should_keep_key_headers_and_bytes_when_event_passes() {
        // given
        start("event.id");
        byte[] value = Events.ticket("evt-1", "acme", T0);
        TestRecord<byte[], byte[]> record = new TestRecord<>("acme".getBytes(StandardCharsets.UTF_8), value, T0);
        record.headers().add("traceparent", "00-abc-def-01".getBytes(StandardCharsets.UTF_8));

        // when
        in.pipeInput(record);

        // then
        TestRecord<byte[], byte[]> passed = out.readRecord();
        assertThat(passed.value()).isEqualTo(value);
        assertThat(new String(passed.key(), StandardCharsets.UTF_8)).isEqualTo("acme");
        assertThat(passed.headers().lastHeader("traceparent")).isNotNull();
    }

    @Test
    void should_pass_bytes_through_when_they_are_not_an_event() {
        // given
        start("event.id");

        // when broken bytes arrive twice, and an event without id
        in.pipeInput("k".getBytes(StandardCharsets.UTF_8), "{not json".getBytes(StandardCharsets.UTF_8));
        in.pipeInput("k".getBytes(StandardCharsets.UTF_8), "{not json".getBytes(StandardCharsets.UTF_8));
        in.pipeInput("k".getBytes(StandardCharsets.UTF_8), "{\"type\":\"ticket.created\"}".getBytes(StandardCharsets.UTF_8));

        // then all pass: the workflow dead-letters them with its reason, nothing blocks here
        assertThat(out.readValuesToList()).hasSize(3);
        assertThat(counts).containsEntry("unparsed", 2).containsEntry("unkeyed", 1);
    }

    @Test
    void should_drop_by_expression_when_key_is_a_cel_expression() {
        // given events are the same when they concern the same account on the same subject
        start("event.data.account_id + '/' + event.data.subject");

        // when
        send("evt-1", "acme", T0);
        send("evt-2", "acme", T0.plusSeconds(5));
        send("evt-3", "globex", T0.plusSeconds(6));

        // then
        assertThat(out.readValuesToList()).hasSize(2);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"the default", "[event.source, event.id, event.specversion]"})
    void should_keep_events_of_two_sources_apart_when_they_share_an_id(String key) {
        // given the default key, the event's identity (source and id, on the fast path), or a list through CEL
        start(key.equals("the default") ? DefaultOptions.of(StreamsSettings.Dedup.class).key() : key);

        // when two sources send an event with the same id, one of them twice, and sources and ids shift across the boundary
        sendFrom("/zendesk", "42", T0);
        sendFrom("/github", "42", T0.plusSeconds(1));
        sendFrom("/zendesk", "42", T0.plusSeconds(2));
        sendFrom("/a, b", "c", T0.plusSeconds(3));
        sendFrom("/a", "b, c", T0.plusSeconds(4));

        // then each source's event passes once, and only the true copy is dropped
        assertThat(out.readValuesToList()).hasSize(4);
        assertThat(counts).containsEntry("passed", 4).containsEntry("dropped", 1);
    }

    private void sendFrom(String source, String id, Instant time) {
        byte[] value = new String(Events.ticket(id, "acme", time), StandardCharsets.UTF_8).replace("\"source\":\"/test\"", "\"source\":\"" + source + "\"")
                .getBytes(StandardCharsets.UTF_8);
        in.pipeInput(new TestRecord<>("acme".getBytes(StandardCharsets.UTF_8), value, time));
    }
}
