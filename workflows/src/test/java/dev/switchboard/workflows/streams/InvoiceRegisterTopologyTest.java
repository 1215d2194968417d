package dev.switchboard.workflows.streams;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.workflows.steps.InvoiceRegister;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TopologyDescription;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InvoiceRegisterTopologyTest {

    private static final Instant T0 = Instant.parse("2026-10-01T08:00:00Z");

    @TempDir
    Path state;

    private TopologyTestDriver driver;
    private TestInputTopic<byte[], byte[]> events;
    private final Map<String, Integer> counts = new ConcurrentHashMap<>();

    @BeforeEach
    void start() {
        driver = new TopologyTestDriver(InvoiceRegisterTopology.build(List.of("events"), "register",
                (stage, outcome) -> counts.merge(outcome, 1, Integer::sum)), Events.driver(state));
        events = driver.createInputTopic("events", new ByteArraySerializer(), new ByteArraySerializer());
    }

    @AfterEach
    void stop() {
        driver.close();
    }

    private static byte[] accepted(String id, String key, String number, String issued, String sourceEvent) {
        return ("""
                {"specversion": "1.0", "id": "%s", "source": "/switchboard/workflows/invoice-intake", "type": "invoice.accepted",
                 "data": {"invoice_key": "%s", "invoice_number": "%s", "supplier": {"name": "Brightwater Design Ltd"},
                          "issue_date": "%s", "currency": "GBP", "total": "3780.00", "source": {"event_id": "%s"}}}""")
                .formatted(id, key, number, issued, sourceEvent).getBytes(StandardCharsets.UTF_8);
    }

    private KeyValueStore<String, byte[]> register() {
        return driver.getKeyValueStore(StreamsNames.INVOICE_REGISTER_STORE);
    }

    @Test
    void should_keep_the_last_accepted_invoice_by_its_key_and_skip_every_other_record() {
        // when an invoice is accepted, then another of the supplier, then other records arrive
        events.pipeInput("k".getBytes(), accepted("tsk_1", "gb284619375/bwd-1192", "BWD-1192", "2026-09-05", "email-25"), T0);
        events.pipeInput("k".getBytes(), accepted("tsk_2", "gb284619375/bwd-1198", "BWD-1198", "2026-09-22", "email-26"), T0);
        events.pipeInput("k".getBytes(), Events.ticket("t-1", "acme", T0), T0);
        events.pipeInput("k".getBytes(), "not json".getBytes(StandardCharsets.UTF_8), T0);
        events.pipeInput("k".getBytes(), accepted("tsk_3", "", "X", "2026-09-22", "email-x"), T0);

        // then the register holds both invoices, each as the step reads it
        InvoiceRegister.Entry entry = InvoiceRegisterTable.entry(register().get("gb284619375/bwd-1198"));
        assertThat(entry).isEqualTo(new InvoiceRegister.Entry("gb284619375/bwd-1198", "BWD-1198", "Brightwater Design Ltd",
                LocalDate.parse("2026-09-22"), "tsk_2", "email-26"));
        assertThat(register().get("gb284619375/bwd-1192")).isNotNull();
        assertThat(register().approximateNumEntries()).isEqualTo(2);
        assertThat(counts).containsEntry("registered", 2).containsEntry("skipped", 3);
    }

    @Test
    void should_name_the_global_store_and_its_source_by_area_and_verb() {
        // when
        List<TopologyDescription.GlobalStore> stores = List.copyOf(InvoiceRegisterTopology.build(List.of("events"), "register",
                StreamsObserver.NONE).describe().globalStores());

        // then
        assertThat(stores).singleElement().satisfies(store -> {
            assertThat(List.of(store.source().name(), store.processor().name())).allSatisfy(name -> assertThat(name)
                    .matches("^invoices\\.load[a-z0-9.-]*$"));
            assertThat(store.processor().stores()).containsExactly(StreamsNames.INVOICE_REGISTER_STORE);
        });
    }
}
