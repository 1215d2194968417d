package dev.switchboard.workflows.explain;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Where a bounded read starts: a time ({@code 2026-11-28T09:00:00Z}) or how far back ({@code 30m}, {@code 24h}, {@code 7d}, {@code PT24H}). */
public final class Since {

    private static final Pattern SHORT = Pattern.compile("(\\d{1,6})([mhd])");

    private Since() {
    }

    /** The instant {@code text} names, counting back from {@code now}; an error that says what is accepted otherwise. */
    public static Instant parse(String text, Instant now) {
        String value = text == null ? "" : text.trim();
        Matcher shortForm = SHORT.matcher(value);
        if (shortForm.matches()) {
            long amount = Long.parseLong(shortForm.group(1));
            Duration back = switch (shortForm.group(2)) {
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
            return now.minus(back);
        }
        try {
            return value.startsWith("P") ? now.minus(Duration.parse(value)) : Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("Invalid since: got '" + value + "', expected how far back (30m, 24h, 7d, PT24H) "
                    + "or a time with a zone (2026-11-28T09:00:00Z)");
        }
    }
}
