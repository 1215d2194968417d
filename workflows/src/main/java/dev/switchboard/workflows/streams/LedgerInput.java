package dev.switchboard.workflows.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.schemas.events.ExactJson;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What reconciliation reads from an event: an invoice to open or a payment to match, never both. The
 * events were checked against their schemas where they came in; what is still missing here makes the
 * event one reconciliation cannot use, and it is skipped.
 */
public record LedgerInput(OpenInvoice invoice, LedgerPayment payment) {

    public static final String ACCEPTED = "invoice.accepted";
    public static final String ISSUED = "invoice.issued";

    /** Amounts are read as written: money is never a double. */
    private static final ObjectMapper JSON = ExactJson.mapper();

    /** The input of an event, or null when it is no event reconciliation reads, or lacks what it needs. */
    static LedgerInput of(byte[] bytes) {
        JsonNode event;
        try {
            event = bytes == null ? null : JSON.readTree(bytes);
        } catch (IOException e) {
            return null;
        }
        if (event == null || !event.isObject()) {
            return null;
        }
        JsonNode data = event.path("data");
        return switch (event.path("type").asText()) {
            case ACCEPTED -> invoice(data, OpenInvoice.PAYABLE, data.path("supplier"));
            case ISSUED -> invoice(data, OpenInvoice.RECEIVABLE, data.path("customer"));
            case LedgerPayment.SENT, LedgerPayment.RECEIVED -> payment(event.path("type").asText(), data);
            default -> null;
        };
    }

    /** Whether this type is one reconciliation reads (the rest of a topic is not its business). */
    static boolean reads(String type) {
        return ACCEPTED.equals(type) || ISSUED.equals(type) || LedgerPayment.SENT.equals(type) || LedgerPayment.RECEIVED.equals(type);
    }

    /** The partition key: payments only ever settle invoices of their own currency. */
    String currency() {
        return invoice != null ? invoice.currency() : payment.currency();
    }

    private static LedgerInput invoice(JsonNode data, String kind, JsonNode party) {
        String id = text(data, "invoice_key");
        String number = text(data, "invoice_number");
        String currency = currency(data);
        BigDecimal total = amount(data.get("total"));
        String name = text(party, "name");
        if (id == null || number == null || currency == null || total == null || name == null) {
            return null;
        }
        OpenInvoice.Counterparty counterparty = new OpenInvoice.Counterparty(name, text(party, "email"), text(party, "contact"),
                text(party, "language"));
        return new LedgerInput(new OpenInvoice(id, number, kind, counterparty, currency, total, BigDecimal.ZERO, text(data, "issue_date"),
                text(data, "due_date"), text(data, "payment_reference"), text(data, "description"), List.of()), null);
    }

    private static LedgerInput payment(String type, JsonNode data) {
        String id = text(data, "payment_id");
        String currency = currency(data);
        BigDecimal amount = amount(data.get("amount"));
        if (id == null || currency == null || amount == null || amount.signum() <= 0) {
            return null;
        }
        List<String> references = new ArrayList<>();
        data.path("remittance").path("references").forEach(reference -> {
            if (reference.isTextual() && !reference.asText().isBlank()) {
                references.add(reference.asText());
            }
        });
        return new LedgerInput(null, new LedgerPayment(id, type, text(data, "direction"), amount, currency, text(data, "booking_date"),
                text(data.path("account"), "id"), text(data.path("counterparty"), "name"), text(data.path("counterparty"), "iban"),
                text(data.path("remittance"), "unstructured"), references, 0, false));
    }

    private static String currency(JsonNode data) {
        String currency = text(data, "currency");
        return currency == null ? null : currency.toUpperCase(Locale.ROOT);
    }

    /** An amount: a JSON number or text holding one. */
    private static BigDecimal amount(JsonNode node) {
        return JsonNumbers.number(node, JsonNode::decimalValue, BigDecimal::new);
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        if (value == null || !value.isValueNode() || value.isNull()) {
            return null;
        }
        String text = value.asText().strip();
        return text.isEmpty() ? null : text;
    }
}
