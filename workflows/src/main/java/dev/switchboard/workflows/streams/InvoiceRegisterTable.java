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
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            KafkaStreams running = streams;
            if (running != null && running.state() == KafkaStreams.State.RUNNING) {
                try {
                    ReadOnlyKeyValueStore<String, byte[]> store = running.store(StoreQueryParameters.fromNameAndType(
                            StreamsNames.INVOICE_REGISTER_STORE, QueryableStoreTypes.keyValueStore()));
                    return Optional.ofNullable(store.get(invoiceKey)).map(InvoiceRegisterTable::entry);
                } catch (InvalidStateStoreException e) {
                    // migrating or restoring: wait as for a stage that is not running yet
                }
            }
            if (System.nanoTime() > deadline) {
                throw new Unavailable("invoice register not queryable after " + wait.toSeconds() + " s (state "
                        + (running == null ? "not started" : running.state()) + ")");
            }
            try {
                Thread.sleep(50); // polling the state; KafkaStreams offers a listener but only one per client
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Unavailable("interrupted while waiting for the invoice register");
            }
        }
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
