package dev.switchboard.workflows.streams;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * An invoice as reconciliation keeps it: what it is for, what it totals and what payments took from
 * it. Its JSON is the value of the open-invoices topic, read by payment reminders and the weekly report.
 *
 * @param kind     {@link #PAYABLE} (a supplier's, from {@code invoice.accepted}) or {@link #RECEIVABLE} (ours, from {@code invoice.issued})
 * @param payments what each payment applied, oldest first
 */
public record OpenInvoice(@JsonProperty("invoice_key") String invoiceKey, @JsonProperty("invoice_number") String invoiceNumber,
                          String kind, Counterparty counterparty, String currency, BigDecimal total, BigDecimal paid,
                          @JsonProperty("issue_date") String issueDate, @JsonProperty("due_date") String dueDate,
                          @JsonProperty("payment_reference") String paymentReference, String description, List<Applied> payments) {

    public static final String PAYABLE = "payable";
    public static final String RECEIVABLE = "receivable";

    /** The supplier of a payable, the customer of a receivable. */
    public record Counterparty(String name, String email, String contact, String language) {
    }

    /** What one payment applied to the invoice. */
    public record Applied(@JsonProperty("payment_id") String paymentId, BigDecimal applied,
                          @JsonProperty("booking_date") String bookingDate, @JsonProperty("matched_by") String matchedBy) {
    }

    public OpenInvoice {
        payments = payments == null ? List.of() : List.copyOf(payments);
        paid = paid == null ? BigDecimal.ZERO : paid;
    }

    /** What remains to be paid; never below zero. */
    @JsonProperty("outstanding")
    public BigDecimal outstanding() {
        BigDecimal rest = total.subtract(paid);
        return rest.signum() < 0 ? BigDecimal.ZERO.setScale(total.scale()) : rest;
    }

    /** {@code open}, {@code partially_paid} or {@code paid}. */
    @JsonProperty("status")
    public String status() {
        if (paid.signum() == 0) {
            return "open";
        }
        return outstanding().signum() == 0 ? "paid" : "partially_paid";
    }

    /** Paid beyond the total. */
    @JsonIgnore
    public BigDecimal overpaid() {
        BigDecimal beyond = paid.subtract(total);
        return beyond.signum() > 0 ? beyond : BigDecimal.ZERO;
    }

    /**
     * The invoice after a payment applied {@code amount}; within {@code tolerance} of the outstanding
     * amount it counts as the whole of it, so a payment short by a rounding difference settles it.
     */
    public OpenInvoice apply(String paymentId, BigDecimal amount, String bookingDate, String matchedBy, BigDecimal tolerance) {
        BigDecimal outstanding = outstanding();
        BigDecimal counted = amount.compareTo(outstanding) < 0 && outstanding.subtract(amount).compareTo(tolerance) <= 0 ? outstanding : amount;
        List<Applied> all = new ArrayList<>(payments);
        all.add(new Applied(paymentId, amount, bookingDate, matchedBy));
        return new OpenInvoice(invoiceKey, invoiceNumber, kind, counterparty, currency, total, paid.add(counted), issueDate, dueDate,
                paymentReference, description, all);
    }

    /** Whether the invoice has been taken by a payment already (a payment replayed after a restart is not applied twice). */
    public boolean applied(String paymentId) {
        return payments.stream().anyMatch(applied -> applied.paymentId().equals(paymentId));
    }
}
