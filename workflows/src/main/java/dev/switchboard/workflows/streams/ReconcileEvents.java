package dev.switchboard.workflows.streams;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The events and the open-invoice states the reconciliation stage writes. */
final class ReconcileEvents {

    static final String PAID = "invoice.paid";
    static final String PARTIALLY_PAID = "invoice.partially_paid";
    static final String UNMATCHED = "payment.unmatched";

    private static final ObjectMapper JSON = new ObjectMapper();

    private ReconcileEvents() {
    }

    /** {@code invoice.paid} or {@code invoice.partially_paid}: one payment's share of one invoice. Its id is that pair's. */
    static byte[] settled(OpenInvoice invoice, LedgerPayment payment, BigDecimal applied, String matchedBy, long time) {
        boolean paid = invoice.outstanding().signum() == 0;
        Map<String, Object> data = invoiceData(invoice);
        if (invoice.overpaid().signum() > 0) {
            data.put("overpaid", invoice.overpaid().toPlainString());
        }
        Map<String, Object> payed = new LinkedHashMap<>();
        payed.put("payment_id", payment.paymentId());
        payed.put("amount", payment.amount().toPlainString());
        payed.put("applied", applied.toPlainString());
        putIfPresent(payed, "booking_date", payment.bookingDate());
        payed.put("matched_by", matchedBy);
        putIfPresent(payed, "counterparty", payment.counterparty());
        data.put("payment", payed);
        data.put("payments", invoice.payments().stream().map(ReconcileEvents::applied).toList());
        return DerivedEvents.event(DerivedEvents.id("rec_", invoice.invoiceKey(), payment.paymentId()), ReconcileTopology.EVENT_SOURCE,
                paid ? PAID : PARTIALLY_PAID, invoice.invoiceKey(), Instant.ofEpochMilli(time), data);
    }

    /** {@code payment.unmatched}, once per payment. */
    static byte[] unmatched(LedgerPayment payment, long now) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("payment_id", payment.paymentId());
        data.put("type", payment.type());
        data.put("direction", payment.direction() != null ? payment.direction()
                : LedgerPayment.SENT.equals(payment.type()) ? "debit" : "credit");
        data.put("amount", payment.amount().toPlainString());
        data.put("currency", payment.currency());
        data.put("booking_date", payment.bookingDate());
        putIfPresent(data, "account", payment.account());
        if (payment.counterparty() != null || payment.counterpartyIban() != null) {
            Map<String, Object> party = new LinkedHashMap<>();
            putIfPresent(party, "name", payment.counterparty());
            putIfPresent(party, "iban", payment.counterpartyIban());
            data.put("counterparty", party);
        }
        String remittance = String.join(" ", remittanceParts(payment)).strip();
        if (!remittance.isEmpty()) {
            data.put("remittance", remittance);
        }
        data.put("received_at", Instant.ofEpochMilli(payment.receivedAt()).toString());
        data.put("unmatched_days", Duration.ofMillis(Math.max(0, now - payment.receivedAt())).toDays());
        return DerivedEvents.event(DerivedEvents.id("unm_", payment.paymentId()), ReconcileTopology.EVENT_SOURCE, UNMATCHED,
                payment.paymentId(), Instant.ofEpochMilli(now), data);
    }

    /** The value of an open invoice on the open-invoices topic. */
    static byte[] state(OpenInvoice invoice) {
        try {
            return JSON.writeValueAsBytes(invoice);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("An open invoice could not be written as JSON", e);
        }
    }

    private static List<String> remittanceParts(LedgerPayment payment) {
        List<String> parts = new java.util.ArrayList<>();
        if (payment.remittance() != null) {
            parts.add(payment.remittance());
        }
        parts.addAll(payment.references());
        return parts;
    }

    private static Map<String, Object> invoiceData(OpenInvoice invoice) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("invoice_key", invoice.invoiceKey());
        data.put("invoice_number", invoice.invoiceNumber());
        data.put("kind", invoice.kind());
        Map<String, Object> party = new LinkedHashMap<>();
        party.put("name", invoice.counterparty().name());
        putIfPresent(party, "email", invoice.counterparty().email());
        data.put("counterparty", party);
        putAmounts(data, invoice);
        putIfPresent(data, "due_date", invoice.dueDate());
        return data;
    }

    private static Map<String, Object> applied(OpenInvoice.Applied applied) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("payment_id", applied.paymentId());
        row.put("applied", applied.applied().toPlainString());
        putIfPresent(row, "booking_date", applied.bookingDate());
        row.put("matched_by", applied.matchedBy());
        return row;
    }

    /** An open invoice's currency, amounts and issue date, as every event about it carries them. */
    static void putAmounts(Map<String, Object> data, OpenInvoice invoice) {
        data.put("currency", invoice.currency());
        data.put("total", invoice.total().toPlainString());
        data.put("paid", invoice.paid().toPlainString());
        data.put("outstanding", invoice.outstanding().toPlainString());
        putIfPresent(data, "issue_date", invoice.issueDate());
    }

    static void putIfPresent(Map<String, Object> map, String key, Object value) {
        if (value != null) {
            map.put(key, value);
        }
    }
}
