package dev.switchboard.connectors.sources.bank;

import java.util.List;
import java.util.Locale;

/** Which booked entries of a statement a source publishes: {@code credits} (the default), {@code debits} or {@code all}. */
public enum EntrySelection {
    CREDITS, DEBITS, ALL;

    /** The description of the {@code entries} option of every statement source. */
    public static final String DESCRIPTION = "Which booked entries become events: `credits` (money in, as `payment.received`: customers "
            + "paying the invoices you issued), `debits` (money out, as `payment.sent`: suppliers paid for the invoices you accepted) "
            + "or `all`.";

    public static EntrySelection of(String option) {
        return valueOf(option.toUpperCase(Locale.ROOT));
    }

    public boolean takes(BankTransaction.Direction direction) {
        return this == ALL || (this == CREDITS) == (direction == BankTransaction.Direction.CREDIT);
    }

    /** The transactions this selection publishes, in order. */
    public List<BankTransaction> select(List<BankTransaction> transactions) {
        return transactions.stream().filter(transaction -> takes(transaction.direction())).toList();
    }
}
