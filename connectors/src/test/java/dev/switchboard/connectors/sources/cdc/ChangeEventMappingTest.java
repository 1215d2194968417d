package dev.switchboard.connectors.sources.cdc;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.connectors.sources.SourceEvent;
import dev.switchboard.schemas.events.EventParser;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChangeEventMappingTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ChangeEventMapping MAPPING = new ChangeEventMapping("crm", "crm", Map.of(
            "public.leads", new ChangeEventMapping.Table("lead", Map.of("lead_id", "id", "first_name", "first_name",
                    "company", "company_name", "employees", "employee_count", "email", "email")),
            "public.contacts", new ChangeEventMapping.Table("contact", Map.of())));

    /** A change as Debezium's JSON converter writes it with schemas disabled. */
    private static String change(String op, String before, String after, String table, long lsn) {
        return """
                {"before": %s, "after": %s,
                 "source": {"version": "3.6.1.Final", "connector": "postgresql", "name": "switchboard_crm", "ts_ms": 1767261600000,
                            "snapshot": "false", "db": "crm", "schema": "public", "table": "%s", "txId": 771, "lsn": %d, "xmin": null},
                 "transaction": null, "op": "%s", "ts_ms": 1767261600123}
                """.formatted(before, after, table, lsn, op);
    }

    private static final String LEAD = """
            {"id": 42, "first_name": "Ada", "company_name": "Analytical Engines Ltd", "employee_count": "250", "email": "ada@example.com"}""";

    @Test
    void should_publish_crm_lead_created_matching_its_schema_when_a_lead_row_is_inserted() throws Exception {
        // when
        SourceEvent event = MAPPING.map("{\"id\": 42}", change("c", "null", LEAD, "leads", 23_456_789L)).orElseThrow();

        // then the whole CloudEvent
        JsonNode json = JSON.readTree(event.bytes());
        assertThat(json.path("type").asText()).isEqualTo("crm.lead.created");
        assertThat(json.path("source").asText()).isEqualTo("/cdc/postgres/crm/public.leads");
        assertThat(json.path("subject").asText()).isEqualTo("42");
        assertThat(json.path("time").asText()).isEqualTo("2026-01-01T10:00:00Z");
        assertThat(json.path("id").asText()).startsWith("cdc-");
        assertThat(event.key()).isEqualTo("42");
        assertThat(json.path("data")).isEqualTo(JSON.readTree("""
                {"company": "Analytical Engines Ltd", "email": "ada@example.com", "employees": 250, "first_name": "Ada", "lead_id": "42",
                 "table": "public.leads", "op": "c", "lsn": 23456789, "before": null, "after": %s}""".formatted(LEAD)));
        // and the engine's own parser accepts it against crm.lead.created.schema.json
        assertThat(new EventParser().parse(event.bytes())).isInstanceOf(EventParser.Accepted.class);
    }

    @Test
    @Timeout(value = 10, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
    void should_leave_an_integer_column_as_text_when_its_text_would_expand_to_a_hundred_million_digits() {
        // given a text column mapped to an integer field, holding what a CRM user typed
        String lead = LEAD.replace("\"250\"", "\"1e99999999\"");

        // when
        SourceEvent event = MAPPING.map("{\"id\": 42}", change("c", "null", lead, "leads", 1L)).orElseThrow();

        // then it stays the text it was (the schema check refuses it), instead of 10^99999999 computed digit by digit
        assertThat(event.event().path("data").path("employees").asText()).isEqualTo("1e99999999");
    }

    @ParameterizedTest
    @CsvSource({"c, crm.contact.created", "u, crm.contact.updated", "d, crm.contact.deleted", "r, crm.contact.snapshot"})
    void should_name_the_change_in_the_type_when_the_operation_is(String op, String type) {
        // given
        String row = "{\"id\": 7, \"email\": \"grace@example.com\"}";

        // when
        Optional<SourceEvent> event = MAPPING.map("{\"id\": 7}", change(op, op.equals("c") || op.equals("r") ? "null" : row,
                op.equals("d") ? "null" : row, "contacts", 100L));

        // then
        assertThat(event).get().extracting(SourceEvent::type).isEqualTo(type);
    }

    @Test
    void should_read_mapped_fields_from_before_when_the_row_is_deleted() {
        // when a delete (replica identity default: before holds the key only)
        SourceEvent event = MAPPING.map("{\"id\": 42}", change("d", "{\"id\": 42}", "null", "leads", 500L)).orElseThrow();

        // then
        assertThat(event.event().path("data").path("lead_id").asText()).isEqualTo("42");
        assertThat(event.event().path("data").path("first_name").isNull()).isTrue();
        assertThat(event.event().path("data").path("after").isNull()).isTrue();
    }

    @Test
    void should_give_the_same_id_when_the_same_change_is_read_again() {
        // given
        String value = change("u", LEAD, LEAD, "leads", 900L);

        // when
        String first = MAPPING.map("{\"id\": 42}", value).orElseThrow().id();
        String again = MAPPING.map("{\"id\": 42}", value).orElseThrow().id();
        String nextChange = MAPPING.map("{\"id\": 42}", change("u", LEAD, LEAD, "leads", 901L)).orElseThrow().id();
        String otherRow = MAPPING.map("{\"id\": 43}", value).orElseThrow().id();

        // then
        assertThat(again).isEqualTo(first);
        assertThat(nextChange).isNotEqualTo(first);
        assertThat(otherRow).isNotEqualTo(first);
    }

    @Test
    void should_tell_snapshot_rows_apart_when_they_share_the_snapshot_lsn() {
        // when two rows read by one snapshot (same LSN)
        String first = MAPPING.map("{\"id\": 1}", change("r", "null", "{\"id\": 1}", "contacts", 77L)).orElseThrow().id();
        String second = MAPPING.map("{\"id\": 2}", change("r", "null", "{\"id\": 2}", "contacts", 77L)).orElseThrow().id();

        // then
        assertThat(first).isNotEqualTo(second);
    }

    @Test
    void should_key_by_a_json_object_when_the_primary_key_has_several_columns() {
        // when
        SourceEvent event = MAPPING.map("{\"tenant\": \"acme\", \"id\": 7}", change("c", "null", "{\"tenant\": \"acme\", \"id\": 7}",
                "contacts", 1L)).orElseThrow();

        // then
        assertThat(event.key()).isEqualTo("{\"tenant\":\"acme\",\"id\":7}");
    }

    @Test
    void should_skip_when_the_change_is_a_tombstone_or_a_table_not_configured_or_a_truncate() {
        assertThat(MAPPING.map("{\"id\": 1}", null)).isEmpty();
        assertThat(MAPPING.map("{\"id\": 1}", change("c", "null", "{\"id\": 1}", "invoices", 1L))).isEmpty();
        assertThat(MAPPING.map(null, change("t", "null", "null", "contacts", 1L))).isEmpty();
    }

    @Test
    void should_cut_text_to_the_schema_length_when_a_column_is_longer() {
        // given a first name longer than crm.lead.created allows (256)
        String longName = "A".repeat(300);

        // when
        SourceEvent event = MAPPING.map("{\"id\": 1}", change("c", "null", "{\"id\": 1, \"first_name\": \"" + longName + "\"}", "leads", 1L))
                .orElseThrow();

        // then
        assertThat(event.event().path("data").path("first_name").asText()).hasSize(256);
        assertThat(new EventParser().parse(event.bytes())).isInstanceOf(EventParser.Accepted.class);
    }

    @Test
    void should_list_the_schema_required_fields_when_switchboard_ships_a_schema_for_the_type() {
        assertThat(ChangeEventMapping.requiredFields("crm.lead.created")).containsExactly("lead_id");
        assertThat(ChangeEventMapping.requiredFields("crm.deal.updated")).isEmpty();
    }
}
