package dev.switchboard.schemas.events;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * RFC 3339 date-times (a CloudEvent's {@code time}) in their common form, read without a
 * {@link java.time.format.DateTimeFormatter}, which costs microseconds per event on the hot path.
 */
public final class EventTime {

    private EventTime() {
    }

    /**
     * The instant of {@code YYYY-MM-DDTHH:MM:SS[.fraction]} then {@code Z} or {@code ±HH:MM}, with upper-case
     * {@code T} and {@code Z}, a real calendar day, seconds 00 to 59, at most nine fraction digits and an
     * offset of at most 14 hours (as on Earth; Java's offsets stop at 18); null for anything else (leap
     * seconds, {@code -00:00}, lower-case separators, year 0000), which a caller reads the long way or
     * leaves to the envelope's schema. Every text it reads, {@code OffsetDateTime.parse} and the schema's
     * {@code date-time} format accept, with the same instant.
     */
    public static Instant plain(String text) {
        int length = text.length();
        if (length < 20 || length > 35) {
            return null;
        }
        if (text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T' || text.charAt(13) != ':' || text.charAt(16) != ':') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = digits(text, 17, 2);
        if (year < 1 || month < 1 || month > 12 || day < 1 || day > daysIn(year, month) || hour < 0 || hour > 23
                || minute < 0 || minute > 59 || second < 0 || second > 59) {
            return null;
        }
        int at = 19;
        int nanos = 0;
        if (text.charAt(at) == '.') {
            int start = ++at;
            while (at < length && isDigit(text.charAt(at))) {
                nanos = nanos * 10 + (text.charAt(at) - '0');
                at++;
            }
            int fractionDigits = at - start;
            if (fractionDigits == 0 || fractionDigits > 9) {
                return null;
            }
            for (int i = fractionDigits; i < 9; i++) {
                nanos *= 10;
            }
        }
        LocalDateTime local = LocalDateTime.of(year, month, day, hour, minute, second, nanos);
        if (at == length - 1) {
            return text.charAt(at) == 'Z' ? local.toInstant(ZoneOffset.UTC) : null;
        }
        if (at != length - 6 || text.charAt(at + 3) != ':') {
            return null;
        }
        char sign = text.charAt(at);
        int offsetHours = digits(text, at + 1, 2);
        int offsetMinutes = digits(text, at + 4, 2);
        boolean known = sign == '+' || sign == '-' && (offsetHours != 0 || offsetMinutes != 0);
        if (!known || offsetHours < 0 || offsetHours > 14 || offsetMinutes < 0 || offsetMinutes > 59) {
            return null;
        }
        int seconds = offsetHours * 3600 + offsetMinutes * 60;
        return local.toInstant(ZoneOffset.ofTotalSeconds(sign == '-' ? -seconds : seconds));
    }

    /** The number in {@code count} ASCII digits from {@code from}, or -1 when one is not a digit. */
    private static int digits(String text, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char c = text.charAt(i);
            if (!isDigit(c)) {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static int daysIn(int year, int month) {
        return switch (month) {
            case 2 -> year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }
}
