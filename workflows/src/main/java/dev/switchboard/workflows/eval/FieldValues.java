package dev.switchboard.workflows.eval;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;

/**
 * Extracted values made comparable: dates in any usual spelling become ISO dates, amounts lose currency signs and
 * thousands separators, text is trimmed, whitespace-collapsed and case-folded. Two values match when their normal
 * forms are equal; null, a blank text and a missing field are all "no value".
 */
final class FieldValues {

    private static final List<DateTimeFormatter> DATES = List.of(DateTimeFormatter.ISO_LOCAL_DATE, DateTimeFormatter.ofPattern("d/M/uuuu"),
            DateTimeFormatter.ofPattern("d.M.uuuu"), DateTimeFormatter.ofPattern("d MMMM uuuu", Locale.ENGLISH),
            DateTimeFormatter.ofPattern("MMMM d, uuuu", Locale.ENGLISH), DateTimeFormatter.ofPattern("d MMM uuuu", Locale.ENGLISH));

    private FieldValues() {
    }

    /**
     * The normal form of a value of an extract field; null for no value. A list is the sorted normal forms of its items
     * (a model may list tax lines in another order), an object item its fields' normal forms in declared order; an empty
     * list is no value.
     */
    static String normalize(Object value, ExtractScores.FieldSpec field) {
        if (field.itemType() == null || !(value instanceof List<?> items)) {
            return normalize(value, field.type());
        }
        List<String> forms = new java.util.ArrayList<>();
        for (Object item : items) {
            if (field.itemFields() == null || !(item instanceof java.util.Map<?, ?> object)) {
                forms.add(String.valueOf(normalize(item, field.itemType())));
            } else {
                StringBuilder form = new StringBuilder("{");
                field.itemFields().forEach((name, type) -> form.append(name).append('=').append(normalize(object.get(name), type)).append(';'));
                forms.add(form.append('}').toString());
            }
        }
        java.util.Collections.sort(forms);
        return forms.isEmpty() ? null : forms.toString();
    }

    static boolean same(Object expected, Object predicted, ExtractScores.FieldSpec field) {
        String want = normalize(expected, field);
        String got = normalize(predicted, field);
        return want == null ? got == null : want.equals(got);
    }

    /** The normal form of a value of an extract field of {@code type}; null for no value. */
    static String normalize(Object value, String type) {
        if (value == null) {
            return null;
        }
        String text = value.toString().strip();
        if (text.isEmpty()) {
            return null;
        }
        return switch (type == null ? "string" : type) {
            case "number", "integer" -> amount(text);
            case "date" -> date(text);
            case "boolean" -> text.toLowerCase(Locale.ROOT);
            default -> text.replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
        };
    }

    static boolean same(Object expected, Object predicted, String type) {
        String want = normalize(expected, type);
        String got = normalize(predicted, type);
        return want == null ? got == null : want.equals(got);
    }

    /** {@code € 1.234,50}, {@code $1,234.50} and {@code 1234.5} are all {@code 1234.5}. */
    private static String amount(String text) {
        String digits = text.replaceAll("[^0-9,.\\-]", "");
        int comma = digits.lastIndexOf(',');
        int dot = digits.lastIndexOf('.');
        if (comma > dot && digits.length() - comma - 1 <= 2) {
            digits = digits.replace(".", "").replace(',', '.'); // a decimal comma
        } else {
            digits = digits.replace(",", "");
        }
        try {
            BigDecimal number = new BigDecimal(digits).stripTrailingZeros();
            return number.scale() < 0 ? number.setScale(0).toPlainString() : number.toPlainString();
        } catch (NumberFormatException e) {
            return text.toLowerCase(Locale.ROOT);
        }
    }

    private static String date(String text) {
        for (DateTimeFormatter format : DATES) {
            try {
                return LocalDate.parse(text, format).toString();
            } catch (DateTimeParseException e) {
                // the next spelling
            }
        }
        return text.toLowerCase(Locale.ROOT);
    }
}
