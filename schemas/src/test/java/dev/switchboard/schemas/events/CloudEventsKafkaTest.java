package dev.switchboard.schemas.events;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CloudEventsKafkaTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String EVENT = "{\"specversion\":\"1.0\",\"id\":\"e-1\",\"source\":\"/crm\",\"type\":\"ticket.created\",\"subject\":\"t-9\","
            + "\"time\":\"2026-12-04T10:00:00Z\",\"tenant\":\"acme\",\"priorityclass\":3,\"datacontenttype\":\"application/json\","
            + "\"data\":{\"ticket_id\":\"9\",\"subject\":\"Refund\",\"body\":\"Please\"}}";

    @Test
    void should_put_attributes_in_headers_and_the_data_in_the_value_when_writing_binary_mode() {
        // when
        CloudEventsKafka.Binary binary = CloudEventsKafka.toBinary(EVENT.getBytes(StandardCharsets.UTF_8));

        // then
        assertThat(binary.headers()).containsExactly(Map.entry("ce_specversion", "1.0"), Map.entry("ce_id", "e-1"), Map.entry("ce_source", "/crm"),
                Map.entry("ce_type", "ticket.created"), Map.entry("ce_subject", "t-9"), Map.entry("ce_time", "2026-12-04T10:00:00Z"),
                Map.entry("ce_tenant", "acme"), Map.entry("ce_priorityclass", "3"), Map.entry("content-type", "application/json"));
        assertThat(new String(binary.value(), StandardCharsets.UTF_8)).isEqualTo("{\"ticket_id\":\"9\",\"subject\":\"Refund\",\"body\":\"Please\"}");
    }

    @Test
    void should_read_back_the_same_event_when_a_binary_record_is_parsed() throws Exception {
        // given
        CloudEventsKafka.Binary binary = CloudEventsKafka.toBinary(EVENT.getBytes(StandardCharsets.UTF_8));

        // when read as the workflows read it, and as the Streams stages read it
        EventParser.Result parsed = new EventParser().parse(binary.value(), binary.headers());
        byte[] structured = CloudEventsKafka.toStructured(binary.value(), binary.headers());

        // then both are the event that was written (extension values as text, as the binding carries them)
        String expected = EVENT.replace("\"priorityclass\":3", "\"priorityclass\":\"3\"");
        assertThat(parsed).isInstanceOf(EventParser.Accepted.class);
        assertThat(((EventParser.Accepted) parsed).event()).isEqualTo(JSON.readTree(expected));
        assertThat(JSON.readTree(structured)).isEqualTo(JSON.readTree(expected));
    }

    @Test
    void should_carry_binary_data_as_bytes_and_leave_structured_records_alone() throws Exception {
        // given an event whose data is not JSON
        String pdf = "{\"specversion\":\"1.0\",\"id\":\"e-2\",\"source\":\"/mail\",\"type\":\"file.received\","
                + "\"datacontenttype\":\"application/pdf\",\"data_base64\":\"JVBERi0xLjQ=\"}";

        // when
        CloudEventsKafka.Binary binary = CloudEventsKafka.toBinary(pdf.getBytes(StandardCharsets.UTF_8));

        // then the value is the bytes themselves, and they come back as data_base64
        assertThat(new String(binary.value(), StandardCharsets.US_ASCII)).isEqualTo("%PDF-1.4");
        assertThat(binary.headers()).containsEntry("content-type", "application/pdf");
        assertThat(JSON.readTree(CloudEventsKafka.toStructured(binary.value(), binary.headers()))).isEqualTo(JSON.readTree(pdf));
        byte[] plain = EVENT.getBytes(StandardCharsets.UTF_8);
        assertThat(CloudEventsKafka.toStructured(plain, Map.of("traceparent", "00-abc"))).isSameAs(plain);
        assertThat(CloudEventsKafka.toBinary("not json".getBytes(StandardCharsets.UTF_8)).headers()).isEmpty();
    }
}
