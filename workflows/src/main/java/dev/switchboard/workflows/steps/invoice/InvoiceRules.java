package dev.switchboard.workflows.steps.invoice;

import dev.switchboard.workflows.steps.invoice.Invoice.LineItem;
import dev.switchboard.workflows.steps.invoice.Invoice.TaxLine;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.Currency;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.iban4j.Iban4jException;
import org.iban4j.IbanUtil;

/**
 * The deterministic checks of an invoice, each a pure function of the invoice that returns the
 * message a person reads when it fails. Amounts compare as exact decimals within {@code tolerance}.
 * A check whose values the invoice does not give passes: {@code fields} is the one that asks for them.
 */
public final class InvoiceRules {

    /** The checks by name, in the order they run; {@code duplicate} needs state and lives in the step. */
    public static final List<String> NAMES = List.of("fields", "currency", "totals", "tax", "dates", "iban");

    /** A check that failed, and why. */
    public record Failure(String check, String message) {
    }

    private final BigDecimal tolerance;

    public InvoiceRules(BigDecimal tolerance) {
        this.tolerance = Objects.requireNonNull(tolerance, "tolerance");
    }

    /** The failures of the named checks, in order. */
    public List<Failure> check(Invoice invoice, List<String> names) {
        List<Failure> failures = new ArrayList<>();
        for (String name : NAMES) {
            if (names.contains(name)) {
                run(name, invoice).ifPresent(message -> failures.add(new Failure(name, message)));
            }
        }
        return failures;
    }

    Optional<String> run(String name, Invoice invoice) {
        return switch (name) {
            case "fields" -> fields(invoice);
            case "currency" -> currency(invoice);
            case "totals" -> totals(invoice);
            case "tax" -> tax(invoice);
            case "dates" -> dates(invoice);
            case "iban" -> iban(invoice);
            default -> throw new IllegalArgumentException("Unknown check " + name);
        };
    }

    /** What an accepted invoice must have: supplier, number, issue date, currency and total, each readable. */
    static Optional<String> fields(Invoice invoice) {
        List<String> missing = new ArrayList<>();
        if (invoice.supplier().name() == null) {
            missing.add("supplier name");
        }
        if (invoice.number() == null) {
            missing.add("invoice number");
        }
        if (invoice.issueDate() == null) {
            missing.add("issue date");
        }
        if (invoice.currency() == null) {
            missing.add("currency");
        }
        if (invoice.total() == null) {
            missing.add("total");
        }
        if (!invoice.unreadable().isEmpty()) {
            return Optional.of("Unreadable values: " + String.join(", ", invoice.unreadable())
                    + (missing.isEmpty() ? "" : "; missing: " + String.join(", ", missing)));
        }
        return missing.isEmpty() ? Optional.empty() : Optional.of("The invoice has no " + String.join(", ", missing));
    }

    static Optional<String> currency(Invoice invoice) {
        if (invoice.currency() == null) {
            return Optional.empty();
        }
        try {
            Currency.getInstance(invoice.currency());
            return invoice.currency().matches("[A-Z]{3}") ? Optional.empty() : Optional.of(notIso(invoice.currency()));
        } catch (IllegalArgumentException e) {
            return Optional.of(notIso(invoice.currency()));
        }
    }

    private static String notIso(String currency) {
        return "Currency '" + currency + "' is not an ISO 4217 code (EUR, GBP, USD, CHF, ...)";
    }

    /** Line items add up to the net, tax lines to the tax total, and net plus tax to the total. */
    Optional<String> totals(Invoice invoice) {
        List<String> problems = new ArrayList<>();
        List<BigDecimal> itemNets = invoice.lineItems().stream().map(LineItem::net).toList();
        if (invoice.net() != null && !itemNets.isEmpty() && itemNets.stream().allMatch(Objects::nonNull)) {
            BigDecimal sum = sum(itemNets);
            if (off(sum, invoice.net())) {
                problems.add("the line items add up to " + plain(sum) + ", but the net is " + plain(invoice.net()));
            }
        }
        List<BigDecimal> lineTaxes = invoice.taxLines().stream().map(TaxLine::tax).toList();
        if (invoice.taxTotal() != null && !lineTaxes.isEmpty() && lineTaxes.stream().allMatch(Objects::nonNull)) {
            BigDecimal sum = sum(lineTaxes);
            if (off(sum, invoice.taxTotal())) {
                problems.add("the tax lines add up to " + plain(sum) + ", but the tax total is " + plain(invoice.taxTotal()));
            }
        }
        BigDecimal tax = invoice.tax();
        if (invoice.net() != null && tax != null && invoice.total() != null) {
            BigDecimal sum = invoice.net().add(tax);
            if (off(sum, invoice.total())) {
                problems.add("net " + plain(invoice.net()) + " + tax " + plain(tax) + " = " + plain(sum) + ", but the total is "
                        + plain(invoice.total()) + " (off by " + plain(invoice.total().subtract(sum).abs()) + ")");
            }
        }
        return problems.isEmpty() ? Optional.empty() : Optional.of("Totals do not add up: " + String.join("; ", problems));
    }

    /** Each tax line's tax is its rate times its base (the net, for a single line without one). */
    Optional<String> tax(Invoice invoice) {
        List<String> problems = new ArrayList<>();
        for (TaxLine line : invoice.taxLines()) {
            BigDecimal base = line.base() != null ? line.base() : invoice.taxLines().size() == 1 ? invoice.net() : null;
            if (line.rate() == null || base == null || line.tax() == null) {
                continue;
            }
            BigDecimal expected = base.multiply(line.rate()).divide(BigDecimal.valueOf(100), invoice.minorDigits(), RoundingMode.HALF_UP);
            if (off(expected, line.tax())) {
                problems.add(line.rate().stripTrailingZeros().toPlainString() + " % of " + plain(base) + " is " + plain(expected) + ", but the tax is " + plain(line.tax()));
            }
        }
        return problems.isEmpty() ? Optional.empty() : Optional.of("Tax does not match its rate: " + String.join("; ", problems));
    }

    static Optional<String> dates(Invoice invoice) {
        if (invoice.issueDate() == null || invoice.dueDate() == null || !invoice.dueDate().isBefore(invoice.issueDate())) {
            return Optional.empty();
        }
        return Optional.of("Due date " + invoice.dueDate() + " is before the issue date " + invoice.issueDate());
    }

    /**
     * ISO 13616: two letters, two check digits, the account, and check digits that make the whole
     * number 1 modulo 97 (ISO 7064), which catches a wrong digit and two swapped ones. The country's
     * own length and format are not enforced, so a country iban4j does not know still passes.
     */
    static Optional<String> iban(Invoice invoice) {
        String iban = invoice.iban();
        if (iban == null) {
            return Optional.empty();
        }
        if (!iban.matches("[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")) {
            return Optional.of("IBAN " + iban + " is not an IBAN: expected two letters, two check digits and 11 to 30 letters or digits");
        }
        try {
            String expected = IbanUtil.calculateCheckDigit(iban);
            if (!expected.equals(iban.substring(2, 4))) {
                return Optional.of("IBAN " + iban + " fails the mod-97 check: its check digits are " + iban.substring(2, 4) + ", the rest of it "
                        + "gives " + expected + " (a wrong digit, or two swapped)");
            }
            return Optional.empty();
        } catch (Iban4jException e) {
            return Optional.of("IBAN " + iban + " is not valid: " + e.getMessage());
        }
    }

    private boolean off(BigDecimal a, BigDecimal b) {
        return a.subtract(b).abs().compareTo(tolerance) > 0;
    }

    private static BigDecimal sum(List<BigDecimal> values) {
        return values.stream().reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    private static String plain(BigDecimal value) {
        BigDecimal stripped = value.stripTrailingZeros();
        return (stripped.scale() < 2 ? value.setScale(Math.max(2, stripped.scale()), RoundingMode.UNNECESSARY) : stripped).toPlainString();
    }
}
