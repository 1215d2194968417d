package dev.switchboard.llm.guard;

import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces personal data in a text with placeholders before it goes to a model that is not
 * in-process, and puts the originals back into the model's answer. Found: email addresses, phone
 * numbers, IBANs (checked with mod 97), card numbers (checked with Luhn) and person names where a
 * text gives them away ("my name is …", "this is …", a name alone on the line after a sign-off such
 * as "Best regards,"). Placeholders look like {@code [EMAIL_1]}; the same value gets the same one.
 */
public final class PiiMasker {

    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}");
    private static final Pattern IBAN = Pattern.compile("\\b[A-Z]{2}\\d{2}(?:[ ]?[A-Z0-9]){11,30}\\b");
    private static final Pattern CARD = Pattern.compile("\\b\\d(?:[ -]?\\d){12,18}\\b");
    private static final Pattern PHONE = Pattern.compile("(?<![\\w+])\\+?\\(?\\d[\\d ().-]{6,18}\\d(?!\\w)");
    private static final String NAME = "\\p{Lu}[\\p{L}'-]+(?:[ ]\\p{Lu}[\\p{L}'-]+){0,2}";
    private static final Pattern INTRODUCTION = Pattern.compile(
            "(?i:\\b(?:my name is|my name's|i am|i'm|this is|name:))[ ]+(" + NAME + ")");
    private static final Pattern SIGNATURE = Pattern.compile(
            "(?im)^[ \\t]*(?:best regards|kind regards|regards|best|thanks|thank you|cheers|sincerely|many thanks)[ \\t]*[,!.]?[ \\t]*\\R[ \\t]*("
                    + "(?-i:" + NAME + "))[ \\t]*$");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\[(EMAIL|PHONE|IBAN|CARD|NAME)_(\\d+)]");

    /** A masked text and the originals behind its placeholders. */
    public record Masked(String text, Map<String, String> originals) {

        public static Masked none(String text) {
            return new Masked(text, Map.of());
        }

        public boolean masked() {
            return !originals.isEmpty();
        }

        /** The text with every placeholder this masking made put back. */
        public String restore(String answer) {
            if (answer == null || originals.isEmpty()) {
                return answer;
            }
            Matcher matcher = PLACEHOLDER.matcher(answer);
            StringBuilder out = new StringBuilder();
            while (matcher.find()) {
                String original = originals.get(matcher.group());
                matcher.appendReplacement(out, Matcher.quoteReplacement(original == null ? matcher.group() : original));
            }
            matcher.appendTail(out);
            return out.toString();
        }

        /** Every string in a JSON-like value (maps, lists, strings) restored. */
        @SuppressWarnings("unchecked")
        public Object restoreAll(Object value) {
            if (originals.isEmpty()) {
                return value;
            }
            if (value instanceof String text) {
                return restore(text);
            }
            if (value instanceof Map<?, ?> map) {
                Map<String, Object> out = new LinkedHashMap<>();
                map.forEach((key, item) -> out.put(String.valueOf(key), restoreAll(item)));
                return Collections.unmodifiableMap(out);
            }
            if (value instanceof List<?> list) {
                List<Object> out = new ArrayList<>(list.size());
                list.forEach(item -> out.add(restoreAll(item)));
                return Collections.unmodifiableList(out);
            }
            return value;
        }
    }

    public Masked mask(String text) {
        if (text == null || text.isEmpty()) {
            return Masked.none(text == null ? "" : text);
        }
        Map<String, String> originals = new LinkedHashMap<>();
        Map<String, String> placeholders = new LinkedHashMap<>();
        String out = text;
        out = replace(out, EMAIL, 0, "EMAIL", originals, placeholders, value -> true);
        out = replace(out, IBAN, 0, "IBAN", originals, placeholders, PiiMasker::validIban);
        out = replace(out, CARD, 0, "CARD", originals, placeholders, PiiMasker::validCard);
        out = replace(out, PHONE, 0, "PHONE", originals, placeholders, PiiMasker::plausiblePhone);
        out = replace(out, SIGNATURE, 1, "NAME", originals, placeholders, value -> true);
        out = replace(out, INTRODUCTION, 1, "NAME", originals, placeholders, value -> true);
        return new Masked(out, Map.copyOf(originals));
    }

    private static String replace(String text, Pattern pattern, int group, String kind, Map<String, String> originals,
                                  Map<String, String> placeholders, java.util.function.Predicate<String> valid) {
        Matcher matcher = pattern.matcher(text);
        StringBuilder out = new StringBuilder();
        int last = 0;
        while (matcher.find()) {
            String value = matcher.group(group);
            if (value == null || value.startsWith("[") || !valid.test(value)) {
                continue;
            }
            String placeholder = placeholders.computeIfAbsent(kind + "\0" + value, key -> {
                long n = originals.keySet().stream().filter(existing -> existing.startsWith("[" + kind + "_")).count() + 1;
                String made = "[" + kind + "_" + n + "]";
                originals.put(made, value);
                return made;
            });
            out.append(text, last, matcher.start(group)).append(placeholder);
            last = matcher.end(group);
        }
        out.append(text, last, text.length());
        return out.toString();
    }

    /** ISO 13616: move the first four characters to the end, letters to numbers, mod 97 must be 1. */
    static boolean validIban(String candidate) {
        String iban = candidate.replace(" ", "");
        if (iban.length() < 15 || iban.length() > 34) {
            return false;
        }
        String rearranged = iban.substring(4) + iban.substring(0, 4);
        StringBuilder digits = new StringBuilder();
        for (char c : rearranged.toCharArray()) {
            digits.append(Character.isDigit(c) ? String.valueOf(c) : String.valueOf(c - 'A' + 10));
        }
        return new BigInteger(digits.toString()).mod(BigInteger.valueOf(97)).intValue() == 1;
    }

    /** Luhn over 13 to 19 digits. */
    static boolean validCard(String candidate) {
        String digits = candidate.replaceAll("[ -]", "");
        if (digits.length() < 13 || digits.length() > 19) {
            return false;
        }
        int sum = 0;
        boolean doubled = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (doubled) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            doubled = !doubled;
        }
        return sum % 10 == 0;
    }

    /** 8 to 15 digits, not a date or an amount: at least one separator or a leading + or (. */
    static boolean plausiblePhone(String candidate) {
        String digits = candidate.replaceAll("\\D", "");
        if (digits.length() < 8 || digits.length() > 15) {
            return false;
        }
        return candidate.startsWith("+") || candidate.startsWith("(") || candidate.matches(".*\\d[ .-]\\d.*");
    }
}
