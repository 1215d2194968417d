package dev.switchboard.schemas.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EventParserTest {

    /** A cap small enough to test with; every case in the tables fits under it unless it means not to. */
    private static final int MAX_BYTES = 1024;
    private static final EventParser PARSER = new EventParser(MAX_BYTES);

    private static final String TICKET_DATA = """
            {"ticket_id":"ZD-4711","subject":"Refund","body":"Please refund order 1234","priority":"high",
             "requester":{"name":"Ada","email":"ada@example.com"},"tags":["billing"]}""";

    // ---- numbers ---------------------------------------------------------------------------------

    @Test
    void should_keep_every_number_as_it_came_when_the_event_is_written_back() throws Exception {
        // given numbers a double cannot hold: beyond its range, longer than its precision, trailing zeros, a huge integer
        String json = """
                {"specversion":"1.0","id":"evt-n","source":"/billing","type":"order.shipped","data":{"beyond":1e999999999,
                 "negative":-1E-999999999,"fraction":0.1000000000000000055511151231257827021181583404541015625,"cents":10.10,
                 "integer":123456789012345678901234567890,"plain":42}}""";

        // when
        EventParser.Result result = PARSER.parse(json.getBytes(StandardCharsets.UTF_8));

        // then written back, each number has its value and its digits, and none became text
        assertThat(result).isInstanceOf(EventParser.Accepted.class);
        String written = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(((EventParser.Accepted) result).event());
        assertThat(written).doesNotContain("Infinity").contains("\"beyond\":1E+999999999", "\"negative\":-1E-999999999",
                "\"fraction\":0.1000000000000000055511151231257827021181583404541015625", "\"cents\":10.10",
                "\"integer\":123456789012345678901234567890", "\"plain\":42");
    }

    // ---- accepted -------------------------------------------------------------------------------

    static Stream<Arguments> accepted() {
        return Stream.of(
                Arguments.of("ticket.created", event("ticket.created", TICKET_DATA)),
                Arguments.of("ticket.created with time and subject", """
                        {"specversion":"1.0","id":"evt-1","source":"/zendesk","type":"ticket.created",
                         "time":"2026-11-02T09:00:00Z","subject":"ZD-4711","datacontenttype":"application/json",
                         "data":{"ticket_id":"ZD-4711","subject":"Refund","body":"Please refund"}}"""),
                Arguments.of("email.received", event("email.received", """
                        {"message_id":"<a1@mail.example.com>","from":"ada@example.com","to":["support@example.com"],
                         "subject":"Invoice","text":"Where is my invoice?","attachments":[{"name":"a.pdf","size":10}]}""")),
                Arguments.of("crm.lead.created", event("crm.lead.created", """
                        {"lead_id":"00Q1","first_name":"Ada","last_name":null,"company":"Analytical","employees":12}""")),
                Arguments.of("unknown type with any data", event("order.shipped", """
                        {"anything":[1,2,3]}""")),
                Arguments.of("unknown type without data", """
                        {"specversion":"1.0","id":"evt-1","source":"/billing","type":"order.shipped"}"""),
                Arguments.of("time with nanoseconds and an offset, as Instant and OffsetDateTime write it", """
                        {"specversion":"1.0","id":"evt-1","source":"/billing","type":"order.shipped",
                         "time":"2026-11-02T09:00:00.123456789+02:00"}"""),
                Arguments.of("valid extension attribute", """
                        {"specversion":"1.0","id":"evt-1","source":"/billing","type":"order.shipped","traceparent2":"x"}"""),
                Arguments.of("non-ASCII UTF-8 text", event("ticket.created", """
                        {"ticket_id":"ZD-1","subject":"Rückerstattung","body":"Grüße — 日本語 — 🎫"}""")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("accepted")
    void should_accept_when_event_is_valid(String name, String json) {
        // given
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);

        // when
        EventParser.Result result = PARSER.parse(bytes);

        // then
        assertThat(result).as(name).isInstanceOfSatisfying(EventParser.Accepted.class, accepted -> {
            assertThat(accepted.id()).isEqualTo("evt-1");
            assertThat(accepted.type()).isNotBlank();
            assertThat(accepted.event().path("specversion").asText()).isEqualTo("1.0");
        });
    }

    // ---- rejected -------------------------------------------------------------------------------

    static Stream<Arguments> rejected() {
        return Stream.of(
                // bytes
                rejected("empty bytes", new byte[0], "Empty record"),
                rejected("null bytes", null, "Empty record"),
                rejected("invalid UTF-8", bytes('{', 0xC3, 0x28, '}'), "Invalid UTF-8", "Events must be UTF-8 JSON"),
                rejected("lone continuation byte in a string", concat(utf8("{\"specversion\":\"1.0\",\"id\":\""), bytes(0x80),
                        utf8("\",\"source\":\"/x\",\"type\":\"a.b\"}")), "Invalid UTF-8"),
                rejected("over the size cap", utf8(event("order.shipped", "\"" + "x".repeat(MAX_BYTES) + "\"")),
                        "Event too large", "expected at most " + MAX_BYTES),
                // JSON
                rejected("not JSON", utf8("hello"), "Not JSON", "line 1"),
                rejected("truncated JSON", utf8("{\"specversion\":\"1.0\",\"id\":\"evt-1\",\"sou"), "Not JSON", "end-of-input"),
                rejected("trailing comma", utf8("{\"specversion\":\"1.0\",}"), "Not JSON"),
                rejected("duplicate keys", utf8("""
                        {"specversion":"1.0","id":"evt-1","source":"/x","type":"a.b","id":"evt-2"}"""), "Not JSON", "Duplicate field 'id'"),
                rejected("duplicate keys inside data", utf8(event("order.shipped", """
                        {"amount":1,"amount":2}""")), "Duplicate field 'amount'"),
                rejected("nesting deeper than 64", utf8(nested(65)), "Not JSON", "nesting depth"),
                rejected("JSON array at top", utf8("[{\"specversion\":\"1.0\"}]"), "Not a CloudEvent", "got a JSON array"),
                rejected("JSON number at top", utf8("42"), "Not a CloudEvent", "got a JSON number"),
                rejected("JSON string at top", utf8("\"event\""), "Not a CloudEvent", "got a JSON string"),
                rejected("JSON null at top", utf8("null"), "Not a CloudEvent"),
                // envelope
                rejected("missing id", utf8("""
                        {"specversion":"1.0","source":"/x","type":"a.b"}"""), "Not a valid CloudEvents 1.0 event", "'id'"),
                rejected("missing source", utf8("""
                        {"specversion":"1.0","id":"evt-1","type":"a.b"}"""), "Not a valid CloudEvents 1.0 event", "'source'"),
                rejected("missing type", utf8("""
                        {"specversion":"1.0","id":"evt-1","source":"/x"}"""), "Not a valid CloudEvents 1.0 event", "'type'"),
                rejected("missing specversion", utf8("""
                        {"id":"evt-1","source":"/x","type":"a.b"}"""), "'specversion'"),
                rejected("specversion 0.3", utf8("""
                        {"specversion":"0.3","id":"evt-1","source":"/x","type":"a.b"}"""), "specversion", "'1.0'"),
                rejected("empty id", utf8("""
                        {"specversion":"1.0","id":"","source":"/x","type":"a.b"}"""), "id"),
                rejected("id not a string", utf8("""
                        {"specversion":"1.0","id":7,"source":"/x","type":"a.b"}"""), "id", "string expected"),
                rejected("type with a space", utf8("""
                        {"specversion":"1.0","id":"evt-1","source":"/x","type":"ticket created"}"""), "type"),
                rejected("time not a date-time", utf8("""
                        {"specversion":"1.0","id":"evt-1","source":"/x","type":"a.b","time":"yesterday"}"""), "time"),
                rejected("extension with an upper-case name", utf8("""
                        {"specversion":"1.0","id":"evt-1","source":"/x","type":"a.b","MyExt":"v"}"""), "MyExt"),
                rejected("extension with a dash", utf8("""
                        {"specversion":"1.0","id":"evt-1","source":"/x","type":"a.b","my-ext":"v"}"""), "my-ext"),
                // data of known types
                rejected("ticket.created without data", utf8("""
                        {"specversion":"1.0","id":"evt-1","source":"/x","type":"ticket.created"}"""), "'ticket.created' has no data"),
                rejected("ticket.created with null data", utf8(event("ticket.created", "null")), "'ticket.created' has no data"),
                rejected("ticket.created with string data", utf8(event("ticket.created", "\"hello\"")), "ticket.created.schema.json"),
                rejected("ticket.created without body", utf8(event("ticket.created", """
                        {"ticket_id":"ZD-1","subject":"Refund"}""")), "ticket.created.schema.json", "'body'"),
                rejected("ticket.created with numeric ticket_id", utf8(event("ticket.created", """
                        {"ticket_id":4711,"subject":"Refund","body":"b"}""")), "ticket.created.schema.json", "data.ticket_id", "string"),
                rejected("ticket.created with priority outside the enum", utf8(event("ticket.created", """
                        {"ticket_id":"ZD-1","subject":"Refund","body":"b","priority":"critical"}""")), "data.priority", "enumeration"),
                rejected("email.received without text", utf8(event("email.received", """
                        {"message_id":"<a1@x>","from":"a@x","subject":"s"}""")), "email.received.schema.json", "'text'"),
                rejected("crm.lead.created with negative employees", utf8(event("crm.lead.created", """
                        {"lead_id":"00Q1","employees":-1}""")), "crm.lead.created.schema.json", "data.employees"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejected")
    void should_reject_with_reason_when_event_is_invalid(String name, byte[] bytes, List<String> reasonParts) {
        // given bytes that break one rule

        // when
        EventParser.Result result = PARSER.parse(bytes);

        // then
        assertThat(result).as(name).isInstanceOfSatisfying(EventParser.Rejected.class, rejected -> {
            assertThat(rejected.reason()).isNotBlank();
            reasonParts.forEach(part -> assertThat(rejected.reason()).as("reason for %s", name).contains(part));
        });
    }

    // ---- boundaries -----------------------------------------------------------------------------

    @Test
    void should_accept_when_event_is_exactly_at_size_cap() {
        // given an event padded to exactly the cap
        byte[] bytes = padded(MAX_BYTES);
        assertThat(bytes).hasSize(MAX_BYTES);

        // when
        EventParser.Result result = PARSER.parse(bytes);

        // then
        assertThat(result).isInstanceOf(EventParser.Accepted.class);
    }

    @Test
    void should_reject_when_event_is_one_byte_over_size_cap() {
        // given
        byte[] bytes = padded(MAX_BYTES + 1);

        // when
        EventParser.Result result = PARSER.parse(bytes);

        // then
        assertThat(result).isInstanceOfSatisfying(EventParser.Rejected.class, rejected ->
                assertThat(rejected.reason()).contains("got " + (MAX_BYTES + 1) + " bytes"));
    }

    @Test
    void should_accept_when_nesting_is_exactly_64() {
        // given
        byte[] bytes = utf8(nested(64));

        // when
        EventParser.Result result = PARSER.parse(bytes);

        // then
        assertThat(result).isInstanceOf(EventParser.Accepted.class);
    }

    @Test
    void should_use_default_cap_of_one_mebibyte_when_constructed_without_cap() {
        // given an event of 2 KiB, over the small cap but far under the default
        byte[] bytes = padded(2048);
        EventParser parser = new EventParser();

        // when
        EventParser.Result result = parser.parse(bytes);

        // then
        assertThat(EventParser.DEFAULT_MAX_BYTES).isEqualTo(1024 * 1024);
        assertThat(result).isInstanceOf(EventParser.Accepted.class);
    }

    @Test
    void should_name_type_and_id_when_event_is_accepted() {
        // given
        byte[] bytes = utf8(event("ticket.created", TICKET_DATA));

        // when
        EventParser.Result result = PARSER.parse(bytes);

        // then
        assertThat(result).isInstanceOfSatisfying(EventParser.Accepted.class, accepted -> {
            assertThat(accepted.type()).isEqualTo("ticket.created");
            assertThat(accepted.id()).isEqualTo("evt-1");
            assertThat(accepted.event().path("data").path("ticket_id").asText()).isEqualTo("ZD-4711");
        });
    }

    // ---- binary content mode (CloudEvents Kafka binding) ----------------------------------------

    private static Map<String, String> binary(String type, String contentType) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("ce_specversion", "1.0");
        headers.put("ce_id", "evt-1");
        headers.put("ce_source", "/test");
        if (type != null) {
            headers.put("ce_type", type);
        }
        if (contentType != null) {
            headers.put("content-type", contentType);
        }
        return headers;
    }

    @Test
    void should_read_the_attributes_from_ce_headers_and_the_data_from_the_value_when_the_record_is_in_binary_mode() {
        // when
        EventParser.Result result = PARSER.parse(utf8(TICKET_DATA), binary("ticket.created", "application/json"));

        // then the event is its structured form, checked against its type's schema
        assertThat(result).isInstanceOfSatisfying(EventParser.Accepted.class, accepted -> {
            assertThat(accepted.type()).isEqualTo("ticket.created");
            assertThat(accepted.id()).isEqualTo("evt-1");
            assertThat(accepted.event().path("datacontenttype").asText()).isEqualTo("application/json");
            assertThat(accepted.event().path("data").path("ticket_id").asText()).isEqualTo("ZD-4711");
        });
    }

    @Test
    void should_reject_with_the_reasons_of_structured_mode_when_a_binary_record_is_invalid() {
        // given the same bad data and the same missing type in both modes
        String badData = "{\"ticket_id\":\"7\",\"subject\":\"x\"}";

        // when
        EventParser.Result binaryData = PARSER.parse(utf8(badData), binary("ticket.created", "application/json"));
        EventParser.Result structuredData = PARSER.parse(utf8(event("ticket.created", badData)));
        EventParser.Result binaryNoType = PARSER.parse(utf8("{}"), binary(null, "application/json"));
        EventParser.Result binaryNotJson = PARSER.parse(utf8("{oops"), binary("order.shipped", "application/json"));

        // then
        assertThat(binaryData).isEqualTo(structuredData).isInstanceOf(EventParser.Rejected.class);
        assertThat(((EventParser.Rejected) binaryNoType).reason()).startsWith("Not a valid CloudEvents 1.0 event").contains("type");
        assertThat(((EventParser.Rejected) binaryNotJson).reason()).startsWith("Not JSON:");
    }

    @Test
    void should_keep_other_data_as_base64_when_a_binary_record_is_not_json() {
        // when
        EventParser.Result result = PARSER.parse("a,b\n1,2".getBytes(StandardCharsets.UTF_8), binary("report.ready", "text/csv"));

        // then
        assertThat(result).isInstanceOfSatisfying(EventParser.Accepted.class, accepted ->
                assertThat(accepted.event().path("data_base64").asText()).isEqualTo("YSxiCjEsMg=="));
    }

    @Test
    void should_read_the_value_as_a_structured_event_when_the_record_has_no_ce_specversion_header() {
        // when
        EventParser.Result result = PARSER.parse(utf8(event("ticket.created", TICKET_DATA)), Map.of("content-type", "application/cloudevents+json"));

        // then
        assertThat(result).isInstanceOf(EventParser.Accepted.class);
    }

    // ---- helpers --------------------------------------------------------------------------------

    private static String event(String type, String data) {
        return "{\"specversion\":\"1.0\",\"id\":\"evt-1\",\"source\":\"/test\",\"type\":\"" + type + "\",\"data\":" + data + "}";
    }

    /** A valid event of an unknown type whose total nesting depth (the envelope counts as 1) is {@code depth}. */
    private static String nested(int depth) {
        int arrays = depth - 1;
        return event("order.shipped", "[".repeat(arrays) + "]".repeat(arrays));
    }

    /** A valid event of exactly {@code size} bytes. */
    private static byte[] padded(int size) {
        int overhead = utf8(event("order.shipped", "\"\"")).length;
        byte[] bytes = utf8(event("order.shipped", "\"" + "x".repeat(size - overhead) + "\""));
        assertThat(bytes).hasSize(size);
        return bytes;
    }

    private static Arguments rejected(String name, byte[] bytes, String... reasonParts) {
        return Arguments.of(name, bytes, List.of(reasonParts));
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(int... values) {
        byte[] bytes = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            bytes[i] = (byte) values[i];
        }
        return bytes;
    }

    private static byte[] concat(byte[]... parts) {
        int length = Arrays.stream(parts).mapToInt(part -> part.length).sum();
        byte[] all = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, all, at, part.length);
            at += part.length;
        }
        return all;
    }
}
