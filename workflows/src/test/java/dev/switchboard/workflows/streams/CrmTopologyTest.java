package dev.switchboard.workflows.streams;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CrmTopologyTest {

    private static final String JANE = "{\"id\":\"c1\",\"email\":\"Jane@Acme.com\",\"name\":\"Jane\",\"company_id\":\"co1\"}";
    private static final String JANE_MOVED = "{\"id\":\"c1\",\"email\":\"jane@globex.com\",\"name\":\"Jane\",\"company_id\":\"co2\"}";

    @TempDir
    Path state;

    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> changes;

    @BeforeEach
    void setUp() {
        driver = new TopologyTestDriver(CrmTopology.build(List.of("crm.changes"), StreamsObserver.NONE), Events.driver(state));
        changes = driver.createInputTopic("crm.changes", new ByteArraySerializer(), new ByteArraySerializer());
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    private void send(byte[] event) {
        changes.pipeInput("k".getBytes(StandardCharsets.UTF_8), event);
    }

    private String table(String entity, String id) {
        KeyValueStore<String, ValueAndTimestamp<String>> store = driver.getTimestampedKeyValueStore(StreamsNames.crmTable(entity));
        ValueAndTimestamp<String> value = store.get(id);
        return value == null ? null : value.value();
    }

    private String index(String entity, String field, String key) {
        KeyValueStore<String, ValueAndTimestamp<String>> store = driver.getTimestampedKeyValueStore(StreamsNames.crmIndex(entity, field));
        ValueAndTimestamp<String> value = store.get(key);
        return value == null ? null : value.value();
    }

    @Test
    void should_hold_latest_record_and_index_it_by_email_when_contact_is_created_then_updated() {
        // given / when
        send(Events.change("crm.contact.created", "c", "null", JANE));
        send(Events.change("crm.contact.updated", "u", JANE, JANE_MOVED));

        // then the table has the record as it is now, and the index follows the email
        assertThat(table("contact", "c1")).contains("jane@globex.com");
        assertThat(index("contact", "email", "jane@globex.com")).isEqualTo("[\"c1\"]");
        assertThat(index("contact", "email", "jane@acme.com")).isNull();
    }

    @Test
    void should_remove_record_and_index_entry_when_contact_is_deleted() {
        // given
        send(Events.change("crm.contact.created", "c", "null", JANE));

        // when Debezium reports the delete (op d, after null)
        send(Events.change("crm.contact.deleted", "d", JANE, "null"));

        // then the table holds a tombstone and the index forgets the email
        assertThat(table("contact", "c1")).isNull();
        assertThat(index("contact", "email", "jane@acme.com")).isNull();
    }

    @Test
    void should_keep_every_id_when_two_contacts_share_an_email() {
        // given / when
        send(Events.change("crm.contact.created", "c", "null", JANE));
        send(Events.change("crm.contact.created", "c", "null", JANE.replace("c1", "c2")));
        send(Events.change("crm.contact.deleted", "d", JANE, "null"));

        // then
        assertThat(index("contact", "email", "jane@acme.com")).isEqualTo("[\"c2\"]");
    }

    @Test
    void should_index_companies_by_domain_and_keep_deals_and_owners_when_changes_arrive() {
        // given / when
        send(Events.change("crm.company.created", "r", "null", "{\"id\":\"co1\",\"domain\":\"www.Acme.com\",\"owner_id\":\"o1\",\"tier\":\"gold\"}"));
        send(Events.change("crm.owner.created", "c", "null", "{\"id\":\"o1\",\"email\":\"sam@ours.com\"}"));
        send(Events.change("crm.deal.created", "c", "null", "{\"id\":\"d1\",\"company_id\":\"co1\",\"amount\":5000}"));

        // then
        assertThat(index("company", "domain", "acme.com")).isEqualTo("[\"co1\"]");
        assertThat(table("company", "co1")).contains("gold");
        assertThat(table("owner", "o1")).contains("sam@ours.com");
        assertThat(index("owner", "email", "sam@ours.com")).isEqualTo("[\"o1\"]");
        assertThat(table("deal", "d1")).contains("5000");
    }

    @Test
    void should_ignore_records_when_they_are_no_crm_change() {
        // given / when
        send(Events.ticket("evt-1", "acme", java.time.Instant.parse("2026-11-02T09:00:00Z")));
        send("{broken".getBytes(StandardCharsets.UTF_8));
        send(Events.change("crm.lead.created", "c", "null", "{\"id\":\"l1\"}"));

        // then nothing is stored and nothing failed
        assertThat(table("contact", "l1")).isNull();
    }

    @Test
    void should_key_by_subject_when_debezium_source_names_the_primary_key_otherwise() {
        // given / when a change as the debezium-postgres source writes it: mapped fields first, then table, op, lsn,
        // before and after; the primary key column is contact_id, and the subject is its value
        send(("{\"specversion\":\"1.0\",\"id\":\"cdc-1\",\"source\":\"/cdc/postgres/crm/public.contacts\","
                + "\"type\":\"crm.contact.snapshot\",\"subject\":\"42\",\"data\":{\"table\":\"public.contacts\",\"op\":\"r\","
                + "\"lsn\":1,\"before\":null,\"after\":{\"contact_id\":42,\"email\":\"kim@acme.com\"}}}").getBytes(StandardCharsets.UTF_8));

        // then
        assertThat(table("contact", "42")).contains("kim@acme.com");
        assertThat(index("contact", "email", "kim@acme.com")).isEqualTo("[\"42\"]");
    }

    @Test
    void should_take_data_as_the_record_when_change_is_not_debezium_shaped() {
        // given / when a plain webhook-style event
        send(("{\"specversion\":\"1.0\",\"id\":\"x\",\"source\":\"/crm\",\"type\":\"crm.owner.updated\","
                + "\"data\":{\"id\":\"o9\",\"email\":\"kim@ours.com\"}}").getBytes(StandardCharsets.UTF_8));

        // then
        assertThat(table("owner", "o9")).contains("kim@ours.com");
    }
}
