package dev.switchboard.workflows.streams;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.math.BigDecimal;
import java.util.List;

/**
 * A payment as reconciliation keeps it while it waits for an invoice: from a {@code payment.sent}
 * (it pays a payable) or a {@code payment.received} (a receivable) event.
 *
 * @param receivedAt when the stage first saw it, by its clock: the start of the wait before {@code payment.unmatched}
 * @param reported   whether {@code payment.unmatched} went out for it already
 */
public record LedgerPayment(@JsonProperty("payment_id") String paymentId, String type, String direction, BigDecimal amount, String currency,
                            @JsonProperty("booking_date") String bookingDate, String account, String counterparty,
                            @JsonProperty("counterparty_iban") String counterpartyIban, String remittance, List<String> references,
                            @JsonProperty("received_at") long receivedAt, boolean reported) {

    public static final String SENT = "payment.sent";
    public static final String RECEIVED = "payment.received";

    public LedgerPayment {
        references = references == null ? List.of() : List.copyOf(references);
    }

    /** The kind of invoice this payment settles: a payment sent pays a supplier, a payment received pays us. */
    @JsonIgnore
    public String settles() {
        return SENT.equals(type) ? OpenInvoice.PAYABLE : OpenInvoice.RECEIVABLE;
    }

    public LedgerPayment seenAt(long millis) {
        return new LedgerPayment(paymentId, type, direction, amount, currency, bookingDate, account, counterparty, counterpartyIban,
                remittance, references, millis, reported);
    }

    public LedgerPayment asReported() {
        return new LedgerPayment(paymentId, type, direction, amount, currency, bookingDate, account, counterparty, counterpartyIban,
                remittance, references, receivedAt, true);
    }
}
