package dev.switchboard.workflows.expr;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.zone.ZoneRules;
import java.util.BitSet;
import java.util.List;
import java.util.Locale;

/**
 * A five-field cron expression ({@code minute hour day-of-month month day-of-week}) with the usual
 * {@code *}, lists, ranges, steps and names ({@code MON-FRI}, {@code JAN}); Sunday is 0 or 7. It
 * follows Vixie cron (and POSIX):
 * <ul>
 *   <li>when both day fields are restricted a day matches either of them ({@code 0 8 1 * FRI}: the
 *       1st and every Friday); when either starts with {@code *}, {@code *}{@code /2} included, a day
 *       must match both;</li>
 *   <li>on a daylight-saving change a schedule at fixed times fires once: a time in the skipped hour
 *       fires at the first instant after the gap (02:30 in Paris on the spring change fires at 03:00
 *       CEST), a time of the repeated hour at its first occurrence only;</li>
 *   <li>a schedule whose minute or hour starts with {@code *} runs by the clock: nothing in the
 *       skipped hour, and both passes of the repeated one.</li>
 * </ul>
 */
public final class Cron {

    /** How far a wall-clock time can be from its instant's other readings: more than any offset change (Samoa skipped a day in 2011). */
    private static final Duration SHIFT_MARGIN = Duration.ofHours(26);

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
    private final boolean byTheClock;

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
        this.anyDayOfMonth = fields[2].startsWith("*");
        this.anyDayOfWeek = fields[4].startsWith("*");
        this.byTheClock = fields[0].startsWith("*") || fields[1].startsWith("*");
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

    /** The first firing strictly after {@code after}, in the zone of {@code after}. */
    public ZonedDateTime next(ZonedDateTime after) {
        ZoneId zone = after.getZone();
        ZoneRules rules = zone.getRules();
        Instant from = after.toInstant();
        // Around a daylight-saving change wall-clock order is not instant order (the second 02:10 comes
        // after the first 02:50), so every matching wall-clock time near `after` is weighed.
        LocalDateTime local = after.toLocalDateTime().minus(SHIFT_MARGIN);
        LocalDateTime limit = local.plusYears(5);
        Instant best = null;
        LocalDateTime bestLocal = null;
        while ((local = nextLocal(local, limit)) != null && (bestLocal == null || !local.isAfter(bestLocal.plus(SHIFT_MARGIN)))) {
            for (Instant firing : firings(local, rules)) {
                if (firing.isAfter(from) && (best == null || firing.isBefore(best))) {
                    best = firing;
                    bestLocal = local;
                }
            }
        }
        if (best == null) {
            throw new IllegalStateException("Cron '" + source + "' matches no time in five years");
        }
        return best.atZone(zone);
    }

    /** When a matching wall-clock time fires: once, or (by the clock, in a repeated hour) twice, or (by the clock, in a skipped hour) never. */
    private List<Instant> firings(LocalDateTime local, ZoneRules rules) {
        List<ZoneOffset> offsets = rules.getValidOffsets(local);
        if (offsets.isEmpty()) {
            return byTheClock ? List.of() : List.of(rules.getTransition(local).getInstant());
        }
        if (offsets.size() == 1 || !byTheClock) {
            return List.of(local.toInstant(offsets.get(0)));
        }
        return List.of(local.toInstant(offsets.get(0)), local.toInstant(offsets.get(1)));
    }

    /** The first wall-clock time strictly after {@code after} that matches, or null before {@code limit}. */
    private LocalDateTime nextLocal(LocalDateTime after, LocalDateTime limit) {
        LocalDateTime time = after.truncatedTo(ChronoUnit.MINUTES).plusMinutes(1);
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
        return null;
    }

    /** The same, for a zone. */
    public ZonedDateTime next(java.time.Instant after, ZoneId zone) {
        return next(after.atZone(zone));
    }

    private boolean dayMatches(LocalDateTime time) {
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
