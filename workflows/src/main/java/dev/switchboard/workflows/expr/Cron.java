package dev.switchboard.workflows.expr;

import java.time.DayOfWeek;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;

/**
 * A five-field cron expression ({@code minute hour day-of-month month day-of-week}) with the usual
 * {@code *}, lists, ranges, steps and names ({@code MON-FRI}, {@code JAN}); Sunday is 0 or 7. As in
 * Vixie cron, when both day fields are restricted a day matches either of them.
 */
public final class Cron {

    private static final List<String> MONTHS = List.of("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC");
    private static final List<String> DAYS = List.of("SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT");

    private final String source;
    private final BitSet minutes;
    private final BitSet hours;
    private final BitSet daysOfMonth;
    private final BitSet months;
    private final BitSet daysOfWeek;
    private final boolean anyDayOfMonth;
    private final boolean anyDayOfWeek;

    private Cron(String source, String[] fields) {
        this.source = source;
        this.minutes = field(fields[0], 0, 59, List.of(), "minute");
        this.hours = field(fields[1], 0, 23, List.of(), "hour");
        this.daysOfMonth = field(fields[2], 1, 31, List.of(), "day of month");
        this.months = field(fields[3], 1, 12, MONTHS, "month");
        BitSet days = field(fields[4], 0, 7, DAYS, "day of week");
        if (days.get(7)) {
            days.set(0);
        }
        this.daysOfWeek = days;
        this.anyDayOfMonth = fields[2].equals("*");
        this.anyDayOfWeek = fields[4].equals("*");
    }

    /** Parses; throws {@link IllegalArgumentException} saying which field is wrong and how. */
    public static Cron parse(String source) {
        String[] fields = source.trim().split("\\s+");
        if (fields.length != 5) {
            throw new IllegalArgumentException("expected 5 fields (minute hour day-of-month month day-of-week), got "
                    + fields.length + ". E.g. '0 9 * * MON' for Mondays at 09:00");
        }
        return new Cron(source, fields);
    }

    public String source() {
        return source;
    }

    /** The first time strictly after {@code after} that matches, in the zone of {@code after}. */
    public ZonedDateTime next(ZonedDateTime after) {
        ZonedDateTime time = after.truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
        ZonedDateTime limit = time.plusYears(5);
        while (time.isBefore(limit)) {
            if (!months.get(time.getMonthValue())) {
                time = time.withDayOfMonth(1).truncatedTo(ChronoUnit.DAYS).plusMonths(1);
            } else if (!dayMatches(time)) {
                time = time.truncatedTo(ChronoUnit.DAYS).plusDays(1);
            } else if (!hours.get(time.getHour())) {
                time = time.truncatedTo(ChronoUnit.HOURS).plusHours(1);
            } else if (!minutes.get(time.getMinute())) {
                time = time.plusMinutes(1);
            } else {
                return time;
            }
        }
        throw new IllegalStateException("Cron '" + source + "' matches no time in five years");
    }

    /** The same, for a zone. */
    public ZonedDateTime next(java.time.Instant after, ZoneId zone) {
        return next(after.atZone(zone));
    }

    private boolean dayMatches(ZonedDateTime time) {
        boolean dayOfMonth = daysOfMonth.get(time.getDayOfMonth());
        boolean dayOfWeek = daysOfWeek.get(time.getDayOfWeek() == DayOfWeek.SUNDAY ? 0 : time.getDayOfWeek().getValue());
        if (anyDayOfMonth || anyDayOfWeek) {
            return dayOfMonth && dayOfWeek;
        }
        return dayOfMonth || dayOfWeek;
    }

    private static BitSet field(String text, int min, int max, List<String> names, String what) {
        BitSet set = new BitSet(max + 1);
        for (String part : text.split(",")) {
            int step = 1;
            String range = part;
            int slash = part.indexOf('/');
            if (slash >= 0) {
                step = number(part.substring(slash + 1), 1, max, List.of(), what);
                range = part.substring(0, slash);
            }
            int from;
            int to;
            if (range.equals("*")) {
                from = min;
                to = max;
            } else if (range.contains("-")) {
                String[] bounds = range.split("-", 2);
                from = number(bounds[0], min, max, names, what);
                to = number(bounds[1], min, max, names, what);
                if (to < from) {
                    throw new IllegalArgumentException("range " + range + " of the " + what + " field runs backwards; write it low-high");
                }
            } else {
                from = number(range, min, max, names, what);
                to = slash >= 0 ? max : from;
            }
            for (int value = from; value <= to; value += step) {
                set.set(value);
            }
        }
        return set;
    }

    private static int number(String text, int min, int max, List<String> names, String what) {
        int named = names.indexOf(text.toUpperCase(Locale.ROOT));
        if (named >= 0) {
            return names == MONTHS ? named + 1 : named;
        }
        try {
            int value = Integer.parseInt(text);
            if (value < min || value > max) {
                throw new IllegalArgumentException("'" + text + "' is out of range for the " + what + " field: expected " + min + "-" + max);
            }
            return value;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + text + "' is not a number or name in the " + what + " field"
                    + (names.isEmpty() ? "" : "; names: " + String.join(", ", names)));
        }
    }
}
