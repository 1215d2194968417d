package dev.switchboard.connectors.sources.bank;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.connectors.sources.SourceEvent;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;

/**
 * One booked transaction of a bank statement: a booked entry, or one transaction of an entry that
 * batches several. It becomes a {@code payment.received} event when it credits the account and a
 * {@code payment.sent} event when it debits it.
 *
 * @param paymentId    the account, the bank's entry reference and, in a batch, the transaction's position: stable across re-imports
 * @param counterparty the debtor of a credit, the creditor of a debit; null when the bank gives none (fees)
 * @param batch        the transaction's position (1-based) and the entry's transaction count, or null when the entry has one
 */
public record BankTransaction(String paymentId, Direction direction, BigDecimal amount, String currency, LocalDate bookingDate,
                              LocalDate valueDate, Account account, Party counterparty, String remittance, List<String> references,
                              String entryReference, String endToEndId, String statementId, String messageId, Batch batch,
                              String bankTransactionCode, String additionalInfo) {

    public static final String RECEIVED = "payment.received";
    public static final String SENT = "payment.sent";
    /** The CloudEvents {@code source} of every event a statement yields. */
    public static final String EVENT_SOURCE = "/bank/camt053";

    /** Whether the entry credits ({@code CRDT}) or debits ({@code DBIT}) our account. */
    public enum Direction {
        CREDIT, DEBIT;

        public String json() {
            return this == CREDIT ? "credit" : "debit";
        }
    }

    public record Account(String id, String currency, String name) {
    }

    public record Party(String name, String iban, String bic) {
    }

    public record Batch(int index, int count) {
    }

    public BankTransaction {
        references = List.copyOf(references);
    }

    public String eventType() {
        return direction == Direction.CREDIT ? RECEIVED : SENT;
    }

    /** The event, keyed by the account so that one account's payments stay in order; its id depends on {@code paymentId} only. */
    public SourceEvent toEvent() {
        JsonNodeFactory json = JsonNodeFactory.instance;
        ObjectNode data = json.objectNode();
        data.put("payment_id", paymentId);
        data.put("direction", direction.json());
        data.put("amount", amount.toPlainString());
        data.put("currency", currency);
        data.put("booking_date", bookingDate.toString());
        if (valueDate != null) {
            data.put("value_date", valueDate.toString());
        }
        ObjectNode accountNode = data.putObject("account").put("id", account.id());
        putIfPresent(accountNode, "currency", account.currency());
        putIfPresent(accountNode, "name", account.name());
        if (counterparty != null) {
            ObjectNode party = data.putObject("counterparty");
            putIfPresent(party, "name", counterparty.name());
            putIfPresent(party, "iban", counterparty.iban());
            putIfPresent(party, "bic", counterparty.bic());
        }
        ObjectNode remittanceNode = data.putObject("remittance");
        putIfPresent(remittanceNode, "unstructured", remittance);
        references.forEach(remittanceNode.putArray("references")::add);
        ObjectNode refs = data.putObject("references");
        putIfPresent(refs, "entry", entryReference);
        putIfPresent(refs, "end_to_end", endToEndId);
        putIfPresent(refs, "statement", statementId);
        putIfPresent(refs, "message", messageId);
        if (batch != null) {
            data.putObject("batch").put("index", batch.index()).put("count", batch.count());
        }
        putIfPresent(data, "bank_transaction_code", bankTransactionCode);
        putIfPresent(data, "additional_info", additionalInfo);
        String id = SourceEvent.stableId("camt053", paymentId);
        return SourceEvent.of(id, eventType(), EVENT_SOURCE, paymentId, bookingDate.atStartOfDay().toInstant(ZoneOffset.UTC), data,
                account.id());
    }

    private static void putIfPresent(ObjectNode node, String field, String value) {
        if (value != null) {
            node.put(field, value);
        }
    }
}
