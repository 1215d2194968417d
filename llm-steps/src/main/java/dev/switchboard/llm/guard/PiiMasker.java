package dev.switchboard.llm.guard;

import com.google.i18n.phonenumbers.PhoneNumberMatch;
import com.google.i18n.phonenumbers.PhoneNumberUtil;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Replaces personal data in a text with placeholders before it goes to a model that is not
 * in-process, and puts the originals back into the model's answer. Found: email addresses, phone
 * numbers (libphonenumber: valid numbers in international form, and in the national form of the
 * given regions, so dates, amounts and references stay as they are), IBANs (checked with mod 97),
 * card numbers (checked with Luhn) and person names where a text gives them away ("my name is …",
 * "this is …", a name alone on the line after a sign-off such as "Best regards,"). Placeholders look
 * like {@code [EMAIL_1]}; the same value gets the same one.
 *
 * <p>Masking is linear in the length of the text: every pattern does a bounded amount of work from
 * each position (bounded or possessive runs; an address is tried only where a run of its characters
 * begins). Unbounded runs retried from every position took minutes on a 200,000-character input.
 */
public final class PiiMasker {

    /**
     * Regions whose national phone formats ({@code 020 7946 0958}, {@code 06 12 34 56 78}) are
     * recognised when none are given. Numbers written with {@code +} and a country code are recognised
     * whatever the regions; with an international prefix ({@code 00}, {@code 011}) when a region dials it.
     */
    public static final List<String> DEFAULT_PHONE_REGIONS = List.of("US", "GB", "FR", "DE");

    private static final Pattern EMAIL = Pattern.compile(
            "(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}+@(?:[A-Za-z0-9-]{1,63}+\\.){1,10}[A-Za-z]{2,63}+");
    private static final Pattern IBAN = Pattern.compile("\\b[A-Z]{2}\\d{2}(?:[ ]?[A-Z0-9]){11,30}\\b");
    private static final Pattern CARD = Pattern.compile("\\b\\d(?:[ -]?\\d){12,18}\\b");
    private static final String NAME = "\\p{Lu}[\\p{L}'-]++(?:[ ]\\p{Lu}[\\p{L}'-]++){0,2}";
    private static final Pattern INTRODUCTION = Pattern.compile(
            "(?i:\\b(?:my name is|my name's|i am|i'm|this is|name:))[ ]++(" + NAME + ")");
    private static final Pattern SIGNATURE = Pattern.compile(
            "(?im)^[ \\t]*+(?:best regards|kind regards|regards|best|thanks|thank you|cheers|sincerely|many thanks)[ \\t]*+[,!.]?+[ \\t]*+\\R[ \\t]*+("
                    + "(?-i:" + NAME + "))[ \\t]*+$");
    private static final Pattern PLACEHOLDER = Pattern.compile("\\[(EMAIL|PHONE|IBAN|CARD|NAME)_(\\d+)]");

    private static final int MIN_PHONE_DIGITS = 8;
    /** The fewest digits {@link #CARD} matches. */
    private static final int MIN_CARD_DIGITS = 13;
    /** A date such as 09.09.2026 or 02/11/2026: libphonenumber takes one starting with 0 for a German number. */
    private static final Pattern DATE = Pattern.compile("(\\d{1,2})([./-])(\\d{1,2})\\2(\\d{4})");

    private final PhoneNumberUtil phones = PhoneNumberUtil.getInstance();
    private final List<String> phoneRegions;

    public PiiMasker() {
        this(DEFAULT_PHONE_REGIONS);
    }

    /** @param phoneRegions ISO 3166 region codes whose national phone formats are recognised */
    public PiiMasker(List<String> phoneRegions) {
        for (String region : phoneRegions) {
            if (!phones.getSupportedRegions().contains(region)) {
                throw new IllegalArgumentException("Unknown phone region: got '" + region
                        + "', expected an ISO 3166 region code such as US, GB, FR or DE");
            }
        }
        this.phoneRegions = List.copyOf(phoneRegions);
    }

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
        Placeholders placeholders = new Placeholders();
        String out = text;
        // a scan that cannot find anything is skipped: an address needs an @, a card number 13 digits, a phone number 8;
        // on tickets without them the scans were most of masking's time, and masking a quarter of a model step's CPU
        if (text.indexOf('@') >= 0) {
            out = placeholders.replace(out, "EMAIL", spans(out, EMAIL, 0, value -> true));
        }
        out = placeholders.replace(out, "IBAN", spans(out, IBAN, 0, PiiMasker::validIban));
        int digits = digits(out);
        if (digits >= MIN_CARD_DIGITS) {
            out = placeholders.replace(out, "CARD", spans(out, CARD, 0, PiiMasker::validCard));
        }
        if (digits >= MIN_PHONE_DIGITS) {
            out = placeholders.replace(out, "PHONE", phoneSpans(out));
        }
        out = placeholders.replace(out, "NAME", spans(out, SIGNATURE, 1, value -> true));
        out = placeholders.replace(out, "NAME", spans(out, INTRODUCTION, 1, value -> true));
        return new Masked(out, Map.copyOf(placeholders.originals));
    }

    private record Span(int start, int end) {
    }

    private static List<Span> spans(String text, Pattern pattern, int group, Predicate<String> valid) {
        List<Span> spans = new ArrayList<>();
        Matcher matcher = pattern.matcher(text);
        while (matcher.find()) {
            String value = matcher.group(group);
            if (value != null && !value.startsWith("[") && valid.test(value)) {
                spans.add(new Span(matcher.start(group), matcher.end(group)));
            }
        }
        return spans;
    }

    /**
     * Valid numbers in any of the regions (leniency VALID: the region's numbering plan, and its
     * national prefix where the region writes one) of at least 8 digits, so that short numbers a plan
     * allows (German 1640) stay as they are, nor dates (09.09.2026); none inside a placeholder already made. Where regions find
     * overlapping numbers the earliest, then longest, wins.
     */
    private static boolean isDate(String raw) {
        Matcher date = DATE.matcher(raw);
        if (!date.matches()) {
            return false;
        }
        int first = Integer.parseInt(date.group(1));
        int second = Integer.parseInt(date.group(3));
        return first >= 1 && second >= 1 && first <= 31 && second <= 31 && Math.min(first, second) <= 12;
    }

    private List<Span> phoneSpans(String text) {
        TreeMap<Integer, Integer> found = new TreeMap<>();
        for (String region : phoneRegions) {
            for (PhoneNumberMatch match : phones.findNumbers(text, region, PhoneNumberUtil.Leniency.VALID, Long.MAX_VALUE)) {
                if (digits(match.rawString()) >= MIN_PHONE_DIGITS && !isDate(match.rawString())) {
                    found.merge(match.start(), match.end(), Math::max);
                }
            }
        }
        List<Span> placeholders = new ArrayList<>();
        Matcher placeholder = PLACEHOLDER.matcher(text);
        while (placeholder.find()) {
            placeholders.add(new Span(placeholder.start(), placeholder.end()));
        }
        List<Span> spans = new ArrayList<>();
        int next = 0;
        int last = 0;
        for (Map.Entry<Integer, Integer> entry : found.entrySet()) {
            int start = entry.getKey();
            int end = entry.getValue();
            while (next < placeholders.size() && placeholders.get(next).end() <= start) {
                next++;
            }
            boolean inPlaceholder = next < placeholders.size() && placeholders.get(next).start() < end;
            if (start >= last && !inPlaceholder) {
                spans.add(new Span(start, end));
                last = end;
            }
        }
        return spans;
    }

    private static int digits(String text) {
        int count = 0;
        for (int i = 0; i < text.length(); i++) {
            if (Character.isDigit(text.charAt(i))) {
                count++;
            }
        }
        return count;
    }

    /** The placeholders of one masking: numbered per kind, one per distinct value. */
    private static final class Placeholders {
        final Map<String, String> originals = new LinkedHashMap<>();
        private final Map<String, String> byValue = new HashMap<>();
        private final Map<String, Integer> counts = new HashMap<>();

        /** {@code text} with each of {@code spans} (in order, not overlapping) replaced by its placeholder. */
        String replace(String text, String kind, List<Span> spans) {
            if (spans.isEmpty()) {
                return text;
            }
            StringBuilder out = new StringBuilder(text.length());
            int last = 0;
            for (Span span : spans) {
                String value = text.substring(span.start(), span.end());
                String placeholder = byValue.computeIfAbsent(kind + "\0" + value, key -> {
                    String made = "[" + kind + "_" + counts.merge(kind, 1, Integer::sum) + "]";
                    originals.put(made, value);
                    return made;
                });
                out.append(text, last, span.start()).append(placeholder);
                last = span.end();
            }
            return out.append(text, last, text.length()).toString();
        }
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
}
