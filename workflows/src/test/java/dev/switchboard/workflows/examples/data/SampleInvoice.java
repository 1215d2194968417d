package dev.switchboard.workflows.examples.data;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One sample supplier invoice: what its PDF shows and the ground truth an extraction should find.
 * Amounts are exact decimals; {@code printedTotal} differs from {@link #total()} only for {@link Defect#TOTAL_MISMATCH}.
 */
public record SampleInvoice(
        String file,
        Template template,
        Supplier supplier,
        String number,
        LocalDate issueDate,
        LocalDate dueDate,
        String currency,
        List<Line> lines,
        BigDecimal printedTotal,
        String iban,
        Defect defect,
        String defectNote) {

    /** The three page layouts. */
    public enum Template { CLASSIC, MODERN, COMPACT }

    /** The deliberate problems a validation step should catch. */
    public enum Defect {
        TOTAL_MISMATCH, DUE_BEFORE_ISSUE, BAD_IBAN_CHECKSUM, DUPLICATE_NUMBER, ENCRYPTED, IMAGE_ONLY, MALFORMED;

        public String code() {
            return name().toLowerCase();
        }
    }

    /** Who issued the invoice; {@code locale} picks labels, number and date formats. */
    public record Supplier(String name, String street, String city, String country, String vatId, String bic,
                           String achRouting, String achAccount, String email, String locale, Template template) {
    }

    /** One invoice line; {@code taxRate} in percent. */
    public record Line(String description, BigDecimal quantity, BigDecimal unitPrice, BigDecimal taxRate) {
        public BigDecimal net() {
            return quantity.multiply(unitPrice).setScale(2, RoundingMode.HALF_UP);
        }
    }

    /** Tax for one rate: the net base and the tax on it. */
    public record TaxLine(BigDecimal rate, BigDecimal base, BigDecimal tax) {
    }

    public BigDecimal net() {
        return lines.stream().map(Line::net).reduce(BigDecimal.ZERO.setScale(2), BigDecimal::add);
    }

    /** Tax per rate, lowest rate first, each rounded once on its base (as EU invoices do). */
    public List<TaxLine> taxLines() {
        Map<BigDecimal, BigDecimal> bases = new TreeMap<>();
        for (Line line : lines) {
            bases.merge(line.taxRate().stripTrailingZeros(), line.net(), BigDecimal::add);
        }
        List<TaxLine> taxes = new ArrayList<>();
        bases.forEach((rate, base) -> taxes.add(new TaxLine(rate, base,
                base.multiply(rate).divide(BigDecimal.valueOf(100), 2, RoundingMode.HALF_UP))));
        return taxes;
    }

    public BigDecimal taxTotal() {
        return taxLines().stream().map(TaxLine::tax).reduce(BigDecimal.ZERO.setScale(2), BigDecimal::add);
    }

    /** What the amounts add up to; the PDF prints {@link #printedTotal()}. */
    public BigDecimal total() {
        return net().add(taxTotal());
    }
}
