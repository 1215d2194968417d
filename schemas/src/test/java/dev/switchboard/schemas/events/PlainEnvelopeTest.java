package dev.switchboard.schemas.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * The direct envelope check must never pass an event the envelope's JSON Schema fails: the parser's
 * verdicts and messages are the schema's. Each test builds many envelopes near the schema's edges and
 * compares the parser's answer with the schema's own.
 */
class PlainEnvelopeTest {

    private static final EventParser PARSER = new EventParser();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void should_give_the_schemas_verdict_and_reasons_when_attributes_are_near_the_schemas_edges() throws Exception {
        // given envelopes that each change one attribute of a valid one
        List<Consumer<ObjectNode>> changes = new ArrayList<>();
        for (String attribute : List.of("specversion", "id", "source", "type", "subject", "time", "datacontenttype", "dataschema")) {
            changes.add(event -> event.remove(attribute));
            changes.add(event -> event.put(attribute, 1));
            changes.add(event -> event.put(attribute, true));
            changes.add(event -> event.putNull(attribute));
            changes.add(event -> event.putObject(attribute));
            for (String text : List.of("", "1.0", "1", "a", "x".repeat(255), "x".repeat(256), "x".repeat(257), "x".repeat(2047),
                    "x".repeat(2048), "x".repeat(2049), "😀".repeat(200), "😀".repeat(256), "😀".repeat(1024), "😀".repeat(1025),
                    "ticket.created", "a.b-c_d", "1abc", ".abc", "-abc", "_abc", "ab c", "ab/c", "äbc", "2026-11-02T09:00:00Z")) {
                changes.add(event -> event.put(attribute, text));
            }
        }
        for (String name : List.of("ext", "a", "x".repeat(48), "x".repeat(49), "Ext", "my-ext", "my_ext", "data_base64", "ä", "0")) {
            changes.add(event -> event.put(name, "v"));
            changes.add(event -> event.put(name, 5));
        }
        changes.add(event -> event.put("data_base64", "aGVsbG8="));
        changes.add(event -> event.put("data_base64", 5));
        changes.add(event -> event.put("data", "x").put("data_base64", "aGVsbG8="));
        changes.add(event -> event.putArray("data").add(1));

        // when / then
        for (Consumer<ObjectNode> change : changes) {
            ObjectNode event = valid();
            change.accept(event);
            assertAgrees(event);
        }
    }

    @Test
    void should_give_the_schemas_verdict_and_javas_instant_when_times_are_near_the_date_time_format() throws Exception {
        // given hand-picked edges, then random changes to valid times
        List<String> times = new ArrayList<>(List.of("2026-11-02T09:00:00Z", "2026-11-02T09:00:00.1Z", "2026-11-02T09:00:00.123456789Z",
                "2026-11-02T09:00:00.1234567890Z", "2026-11-02T09:00:00.Z", "2026-11-02t09:00:00Z", "2026-11-02T09:00:00z",
                "2026-11-02 09:00:00Z", "2026-11-02T09:00:00", "2026-11-02T09:00Z", "2026-11-02", "2024-02-29T00:00:00Z",
                "2023-02-29T00:00:00Z", "2000-02-29T00:00:00Z", "1900-02-29T00:00:00Z", "2026-04-31T00:00:00Z", "2026-12-31T23:59:59Z",
                "2016-12-31T23:59:60Z", "2026-11-02T23:59:60Z", "2026-11-02T24:00:00Z", "2026-11-02T09:60:00Z", "2026-13-01T00:00:00Z",
                "2026-00-01T00:00:00Z", "2026-11-00T00:00:00Z", "0000-01-01T00:00:00Z", "0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z",
                "2026-11-02T09:00:00+00:00", "2026-11-02T09:00:00-00:00", "2026-11-02T09:00:00+14:00", "2026-11-02T09:00:00-14:00",
                "2026-11-02T09:00:00+14:59", "2026-11-02T09:00:00+15:00", "2026-11-02T09:00:00+18:00", "2026-11-02T09:00:00+19:00",
                "2026-11-02T09:00:00+23:59", "2026-11-02T09:00:00+05:60", "2026-11-02T09:00:00+0530", "2026-11-02T09:00:00+05",
                "2026-11-02T09:00:00.5+05:30", "+2026-11-02T09:00:00Z", "2026-11-02T09:00:00Z ", " 2026-11-02T09:00:00Z",
                "２026-11-02T09:00:00Z", "2026-11-02T09:00:00.1２Z"));
        Random random = new Random(17);
        String alphabet = "0123456789-:.TtZz+ ";
        List<String> seeds = List.copyOf(times);
        for (int i = 0; i < 5000; i++) {
            StringBuilder time = new StringBuilder(seeds.get(random.nextInt(seeds.size())));
            int edits = 1 + random.nextInt(2);
            for (int e = 0; e < edits && time.length() > 0; e++) {
                int at = random.nextInt(time.length());
                switch (random.nextInt(10)) {
                    case 0, 1 -> time.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    case 2 -> time.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
                    case 3 -> time.deleteCharAt(at);
                    default -> time.setCharAt(at, (char) ('0' + random.nextInt(10))); // mostly a date-time still, perhaps no calendar's
                }
            }
            times.add(time.toString());
        }

        // when / then
        int plain = 0;
        for (String time : times) {
            ObjectNode event = valid().put("time", time);
            assertAgrees(event);
            plain += PlainEnvelope.plainlyValid(event) ? 1 : 0;
            Instant read = EventTime.plain(time);
            if (read != null) {
                assertThat(read).as("EventTime.plain(%s)", time).isEqualTo(OffsetDateTime.parse(time).toInstant());
            }
        }
        assertThat(plain).as("times the direct check passed").isGreaterThan(300);
    }

    @Test
    void should_pass_the_common_event_without_the_schema_when_it_is_plainly_valid() throws Exception {
        // given an event as sources write them
        ObjectNode event = valid();

        // when / then
        assertThat(PlainEnvelope.plainlyValid(event)).isTrue();
        assertAgrees(event);
    }

    private static ObjectNode valid() throws Exception {
        return (ObjectNode) JSON.readTree("""
                {"specversion":"1.0","id":"evt-1","source":"/zendesk","type":"order.shipped","subject":"ZD-1",
                 "time":"2026-11-02T09:00:00Z","datacontenttype":"application/json","dataschema":"https://x/s.json",
                 "traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01","data":{"a":1}}""");
    }

    /** The parser (direct check first) and the schemas alone give the same result, and the direct check passes only what the schema passes. */
    private static void assertAgrees(ObjectNode event) throws Exception {
        byte[] bytes = JSON.writeValueAsBytes(event);
        EventParser.Result bySchemas = PARSER.validateBySchemas(event.deepCopy());
        assertThat(PARSER.parse(bytes)).as("%s", event).isEqualTo(bySchemas);
        if (PlainEnvelope.plainlyValid(event) && bySchemas instanceof EventParser.Rejected rejected) {
            assertThat(rejected.reason()).as("passed by the direct check: %s", event).doesNotStartWith("Not a valid CloudEvents 1.0 event");
        }
    }
}
