package dev.switchboard.workflows.steps;

import java.time.LocalDate;
import java.util.Optional;

/**
 * The invoices accepted so far, by {@code invoice_key} (supplier and number), as the engine keeps
 * them from the {@code invoice.accepted} events (Kafka Streams state, see docs/state.md). Offered to
 * steps as a service when {@code kafka.streams.invoices} is configured.
 */
public interface InvoiceRegister {

    /**
     * One accepted invoice.
     *
     * @param sourceEventId the event the invoice came in with (an {@code email.received}); the same event read again is no duplicate
     */
    record Entry(String invoiceKey, String invoiceNumber, String supplier, LocalDate issueDate, String eventId, String sourceEventId) {
    }

    /**
     * The last invoice accepted under this key, or empty.
     *
     * @throws Unavailable when the register cannot answer now (restoring, rebalancing): a retriable failure
     */
    Optional<Entry> find(String invoiceKey);

    /** The register cannot answer now; try again later. */
    final class Unavailable extends RuntimeException {
        public Unavailable(String message) {
            super(message);
        }
    }
}
