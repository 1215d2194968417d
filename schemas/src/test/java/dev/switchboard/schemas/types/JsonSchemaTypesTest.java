package dev.switchboard.schemas.types;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.schemas.events.EventSchemas;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JsonSchemaTypesTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static ValueType of(String schema) throws Exception {
        JsonNode node = JSON.readTree(schema.replace('\'', '"'));
        return JsonSchemaTypes.of(node);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{'type': 'string'}                          | text",
            "{'type': ['string', 'null']}                | text",
            "{'type': 'integer'}                         | a whole number",
            "{'type': 'number'}                          | a number",
            "{'type': 'boolean'}                         | true or false",
            "{'type': 'array', 'items': {'type': 'string'}} | a list",
            "{'enum': ['low', 'high', null]}             | text, one of [high, low]",
            "{'const': 'x'}                              | text, one of [x]",
            "{}                                          | anything",
            "{'$ref': '#/$defs/x'}                       | anything",
            "{'type': ['string', 'integer']}             | one of several types"
    })
    void should_read_the_type_a_schema_describes(String schema, String described) throws Exception {
        // when / then
        assertThat(of(schema).describe()).isEqualTo(described);
    }

    @Test
    void should_take_declared_properties_as_all_an_object_has_unless_it_allows_more() throws Exception {
        // given / when
        ValueType closed = of("{'type': 'object', 'properties': {'a': {'type': 'string'}}}");
        ValueType open = of("{'type': 'object', 'properties': {'a': {'type': 'string'}}, 'additionalProperties': true}");
        ValueType counts = of("{'type': 'object', 'additionalProperties': {'type': 'integer'}}");
        ValueType bare = of("{'type': 'object'}");

        // then
        assertThat(closed).isEqualTo(new ValueType.ObjectOf(Map.of("a", ValueType.text()), null, null));
        assertThat(((ValueType.ObjectOf) open).others()).isEqualTo(ValueType.any());
        assertThat(((ValueType.ObjectOf) counts).others()).isEqualTo(ValueType.integer());
        assertThat(((ValueType.ObjectOf) bare).others()).isEqualTo(ValueType.any());
    }

    @Test
    void should_describe_shipped_events_with_their_attributes_and_data() {
        // given
        EventSchemas schemas = EventSchemas.shipped();

        // when
        ValueType.ObjectOf ticket = (ValueType.ObjectOf) schemas.event(schemas.data("ticket.created").orElseThrow());

        // then
        assertThat(EventSchemas.types()).contains("ticket.created", "email.received", "switchboard.window.fired", "switchboard.digest");
        assertThat(ticket.fields()).containsKeys("id", "source", "type", "subject", "time", "data");
        ValueType.ObjectOf data = (ValueType.ObjectOf) ticket.fields().get("data");
        assertThat(data.others()).isNull();
        assertThat(data.fields()).containsKeys("ticket_id", "subject", "body", "requester", "priority", "tags");
        assertThat(data.fields().get("priority")).isEqualTo(ValueType.text(List.of("low", "normal", "high", "urgent")));
        assertThat(data.fields().get("tags")).isEqualTo(ValueType.list(ValueType.text()));
        assertThat(schemas.data("message.received")).isEmpty();
    }
}
