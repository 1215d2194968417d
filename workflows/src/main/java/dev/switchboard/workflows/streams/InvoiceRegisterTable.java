package dev.switchboard.workflows.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.workflows.steps.InvoiceRegister;
import java.io.IOException;
import java.time.Duration;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/** Reads the invoice register from this instance's global store ({@link InvoiceRegisterTopology}). */
public final class InvoiceRegisterTable implements InvoiceRegister {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Duration wait;
    private volatile KafkaStreams streams;

    /** @param wait how long a lookup waits for the register to be queryable */
    public InvoiceRegisterTable(Duration wait) {
        this.wait = wait;
    }

    /** Binds the running stage; until then lookups wait. */
    void bind(KafkaStreams streams) {
        this.streams = streams;
    }

    @Override
    public Optional<Entry> find(String invoiceKey) {
        return StreamsWait.await(() -> streams, wait, running -> {
            try {
                ReadOnlyKeyValueStore<String, byte[]> store = running.store(StoreQueryParameters.fromNameAndType(
                        StreamsNames.INVOICE_REGISTER_STORE, QueryableStoreTypes.keyValueStore()));
                return Optional.of(Optional.ofNullable(store.get(invoiceKey)).map(InvoiceRegisterTable::entry));
            } catch (InvalidStateStoreException e) {
                // migrating or restoring: wait as for a stage that is not running yet
                return Optional.empty();
            }
        }, end -> new Unavailable("invoice register not queryable " + end), e -> new Unavailable("interrupted while waiting for the invoice register"));
    }

    static Entry entry(byte[] value) {
        try {
            JsonNode node = JSON.readTree(value);
            return new Entry(node.path("invoice_key").asText(), node.path("invoice_number").asText(null),
                    node.path("supplier").asText(null), date(node.path("issue_date").asText(null)), node.path("event_id").asText(null),
                    node.path("source_event_id").asText(null));
        } catch (IOException e) {
            throw new IllegalStateException("An invoice register entry is not JSON", e);
        }
    }

    private static LocalDate date(String text) {
        try {
            return text == null ? null : LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            return null;
        }
    }
}
