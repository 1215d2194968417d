package dev.switchboard.workflows.steps.invoice;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Currency;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An invoice as an extract step gave it (the field names of the invoice schema), read into exact
 * values: amounts as {@link BigDecimal} (from the model's number, never through a float's arithmetic),
 * dates as {@link LocalDate}, the IBAN without spaces. A value that cannot be read stays null and is
 * named in {@link #unreadable}, so a check can say so instead of guessing.
 */
public record Invoice(Supplier supplier, String number, LocalDate issueDate, LocalDate dueDate, String currency,
                      BigDecimal net, BigDecimal taxTotal, BigDecimal total, List<TaxLine> taxLines, String iban,
                      List<LineItem> lineItems, List<String> unreadable) {

    public record Supplier(String name, String vatId, String address, String country, String email) {
    }

    public record TaxLine(BigDecimal rate, BigDecimal base, BigDecimal tax) {
    }

    public record LineItem(String description, BigDecimal quantity, BigDecimal unitPrice, BigDecimal taxRate, BigDecimal net) {
    }

    /** Reads an extract step's output. */
    public static Invoice of(Map<?, ?> fields) {
        List<String> unreadable = new ArrayList<>();
        Map<?, ?> supplier = fields.get("supplier") instanceof Map<?, ?> map ? map : Map.of();
        List<TaxLine> taxLines = new ArrayList<>();
        list(fields.get("tax_lines")).forEach(line -> taxLines.add(new TaxLine(amount(line, "rate", "tax_lines.rate", unreadable),
                amount(line, "base", "tax_lines.base", unreadable), amount(line, "tax", "tax_lines.tax", unreadable))));
        List<LineItem> items = new ArrayList<>();
        list(fields.get("line_items")).forEach(item -> items.add(new LineItem(text(item.get("description")),
                amount(item, "quantity", "line_items.quantity", unreadable), amount(item, "unit_price", "line_items.unit_price", unreadable),
                amount(item, "tax_rate", "line_items.tax_rate", unreadable), amount(item, "net", "line_items.net", unreadable))));
        String iban = text(fields.get("iban"));
        String currency = text(fields.get("currency"));
        return new Invoice(
                new Supplier(text(supplier.get("name")), compact(text(supplier.get("vat_id"))), text(supplier.get("address")),
                        upper(text(supplier.get("country"))), text(supplier.get("email"))),
                text(fields.get("invoice_number")), date(fields, "issue_date", unreadable), date(fields, "due_date", unreadable),
                upper(currency), amount(fields, "net", "net", unreadable), amount(fields, "tax_total", "tax_total", unreadable),
                amount(fields, "total", "total", unreadable), List.copyOf(taxLines), upper(compact(iban)), List.copyOf(items),
                List.copyOf(unreadable));
    }

    /**
     * One invoice, whoever sends it: the supplier's VAT id (else its name) and the invoice number,
     * lower case, spaces collapsed. Null when either is missing.
     */
    public String key() {
        String supplierKey = supplier.vatId() != null ? supplier.vatId() : supplier.name();
        if (supplierKey == null || number == null) {
            return null;
        }
        return normalize(supplierKey) + "/" + normalize(number);
    }

    /** The tax of the invoice: its tax total, else the sum of its tax lines. */
    public BigDecimal tax() {
        if (taxTotal != null) {
            return taxTotal;
        }
        if (taxLines.isEmpty() || taxLines.stream().anyMatch(line -> line.tax() == null)) {
            return null;
        }
        return taxLines.stream().map(TaxLine::tax).reduce(BigDecimal.ZERO, BigDecimal::add);
    }

    /**
     * The invoice as an {@code invoice.accepted} event carries it: amounts as exact decimal strings
     * with at least the currency's minor digits, rates and quantities as plain decimals.
     */
    public Map<String, Object> toData(String sourceEventId, String messageId, String attachment) {
        int digits = minorDigits();
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("invoice_key", key());
        Map<String, Object> who = new LinkedHashMap<>();
        who.put("name", supplier.name());
        who.put("vat_id", supplier.vatId());
        who.put("address", supplier.address());
        who.put("country", supplier.country() != null && supplier.country().matches("[A-Z]{2}") ? supplier.country() : null);
        who.put("email", supplier.email());
        data.put("supplier", who);
        data.put("invoice_number", number);
        data.put("issue_date", issueDate == null ? null : issueDate.toString());
        data.put("due_date", dueDate == null ? null : dueDate.toString());
        data.put("currency", currency);
        putAmount(data, "net", net, digits);
        BigDecimal tax = tax();
        putAmount(data, "tax_total", tax, digits);
        putAmount(data, "total", total, digits);
        List<Map<String, Object>> lines = new ArrayList<>();
        for (TaxLine line : taxLines) {
            Map<String, Object> out = new LinkedHashMap<>();
            putDecimal(out, "rate", line.rate());
            putAmount(out, "base", line.base(), digits);
            putAmount(out, "tax", line.tax(), digits);
            lines.add(out);
        }
        data.put("tax_lines", lines);
        data.put("iban", iban);
        List<Map<String, Object>> items = new ArrayList<>();
        for (LineItem item : lineItems) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("description", item.description() == null ? "" : item.description());
            putDecimal(out, "quantity", item.quantity());
            putAmount(out, "unit_price", item.unitPrice(), digits);
            putDecimal(out, "tax_rate", item.taxRate());
            putAmount(out, "net", item.net(), digits);
            items.add(out);
        }
        data.put("line_items", items);
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("event_id", sourceEventId);
        source.put("message_id", messageId);
        source.put("attachment", attachment);
        data.put("source", source);
        return data;
    }

    /** Digits after the point in the invoice's currency (2 when unknown). */
    public int minorDigits() {
        try {
            int digits = currency == null ? 2 : Currency.getInstance(currency).getDefaultFractionDigits();
            return digits < 0 ? 2 : digits;
        } catch (IllegalArgumentException e) {
            return 2;
        }
    }

    private static void putAmount(Map<String, Object> out, String name, BigDecimal value, int digits) {
        if (value != null) {
            int scale = Math.max(digits, value.stripTrailingZeros().scale());
            out.put(name, value.setScale(scale, java.math.RoundingMode.UNNECESSARY).toPlainString());
        }
    }

    private static void putDecimal(Map<String, Object> out, String name, BigDecimal value) {
        if (value != null) {
            BigDecimal plain = value.stripTrailingZeros();
            out.put(name, (plain.scale() < 0 ? plain.setScale(0) : plain).toPlainString());
        }
    }

    private static List<Map<?, ?>> list(Object value) {
        List<Map<?, ?>> maps = new ArrayList<>();
        if (value instanceof List<?> list) {
            list.forEach(item -> {
                if (item instanceof Map<?, ?> map) {
                    maps.add(map);
                }
            });
        }
        return maps;
    }

    private static BigDecimal amount(Map<?, ?> fields, String name, String path, List<String> unreadable) {
        Object value = fields.get(name);
        if (value == null) {
            return null;
        }
        try {
            if (value instanceof Number number) {
                // the shortest decimal that is this double: 0.1 stays 0.1, never 0.1000000000000000055…
                return number instanceof BigDecimal exact ? exact : new BigDecimal(number.toString());
            }
            String text = value.toString().strip();
            return text.isEmpty() ? null : new BigDecimal(text);
        } catch (NumberFormatException e) {
            unreadable.add(path + " '" + value + "'");
            return null;
        }
    }

    private static LocalDate date(Map<?, ?> fields, String name, List<String> unreadable) {
        String text = text(fields.get(name));
        if (text == null) {
            return null;
        }
        try {
            return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
            unreadable.add(name + " '" + text + "'");
            return null;
        }
    }

    private static String text(Object value) {
        if (value == null) {
            return null;
        }
        String text = value.toString().strip();
        return text.isEmpty() ? null : text;
    }

    private static String compact(String text) {
        return text == null ? null : text.replaceAll("[\\s.\\-]", "");
    }

    private static String upper(String text) {
        return text == null ? null : text.toUpperCase(Locale.ROOT);
    }

    private static String normalize(String text) {
        return text.strip().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
    }
}
