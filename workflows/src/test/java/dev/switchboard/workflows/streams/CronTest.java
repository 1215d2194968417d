package dev.switchboard.workflows.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.workflows.expr.Cron;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CronTest {

    @ParameterizedTest(name = "{0} after {1}")
    @CsvSource({
            "0 9 * * MON,       2026-11-02T08:00Z, 2026-11-02T09:00Z",
            "0 9 * * MON,       2026-11-02T09:00Z, 2026-11-09T09:00Z",
            "*/15 * * * *,      2026-11-02T08:07Z, 2026-11-02T08:15Z",
            "30 17 1 * *,       2026-11-02T08:00Z, 2026-12-01T17:30Z",
            "'0 0 * JAN,JUL SUN', 2026-11-02T08:00Z, 2027-01-03T00:00Z",
            "0 8 1 * 5,         2026-11-02T08:00Z, 2026-11-06T08:00Z",
            "0 12 * * 1-5,      2026-11-07T13:00Z, 2026-11-09T12:00Z"})
    void should_find_next_time_when_expression_is_valid(String expression, String after, String next) {
        assertThat(Cron.parse(expression).next(ZonedDateTime.parse(after))).isEqualTo(ZonedDateTime.parse(next));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "0 9 * *       | expected 5 fields",
            "61 9 * * *    | out of range for the minute field",
            "0 9 * * FUN   | not a number or name in the day of week field",
            "0 9-7 * * *   | runs backwards"})
    void should_say_what_is_wrong_when_expression_is_invalid(String expression, String message) {
        assertThatThrownBy(() -> Cron.parse(expression)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }

    /**
     * A fixed-time schedule fires once on each day of a daylight-saving change: on the spring change a
     * time in the skipped hour fires at the first instant after the gap; on the autumn change a time
     * of the repeated hour fires at its first occurrence only (Vixie cron's rule).
     */
    @ParameterizedTest(name = "{0} in {1} on {2}")
    @CsvSource(delimiter = '|', value = {
            "30 2 * * *   | Europe/Paris     | 2026-03-29 | 2026-03-29T03:00+02:00[Europe/Paris]",
            "30 2 * * *   | Europe/Paris     | 2026-10-25 | 2026-10-25T02:30+02:00[Europe/Paris]",
            "0,30 2 * * * | Europe/Paris     | 2026-03-29 | 2026-03-29T03:00+02:00[Europe/Paris]",
            "0 3 * * *    | Europe/Paris     | 2026-03-29 | 2026-03-29T03:00+02:00[Europe/Paris]",
            "30 2 * * *   | America/New_York | 2026-03-08 | 2026-03-08T03:00-04:00[America/New_York]",
            "30 1 * * *   | America/New_York | 2026-11-01 | 2026-11-01T01:30-04:00[America/New_York]",
            "0 1 * * SUN  | America/New_York | 2026-11-01 | 2026-11-01T01:00-04:00[America/New_York]"})
    void should_fire_once_when_the_day_has_a_daylight_saving_change(String expression, String zone, String day, String firing) {
        assertThat(firings(expression, ZoneId.of(zone), LocalDate.parse(day))).containsExactly(ZonedDateTime.parse(firing));
    }

    /** A schedule with a wildcard minute or hour runs by the clock: nothing in the skipped hour, both passes of a repeated one. */
    @ParameterizedTest(name = "{0} in {1} on {2}")
    @CsvSource(delimiter = '|', value = {
            "*/30 * * * * | Europe/Paris | 2026-03-29 | 01:00+01:00 01:30+01:00 03:00+02:00 03:30+02:00",
            "*/30 * * * * | Europe/Paris | 2026-10-25 | 01:00+02:00 01:30+02:00 02:00+02:00 02:30+02:00 02:00+01:00 02:30+01:00 03:00+01:00 03:30+01:00",
            "*/30 2 * * * | Europe/Paris | 2026-10-25 | 02:00+02:00 02:30+02:00 02:00+01:00 02:30+01:00"})
    void should_run_by_the_clock_when_minute_or_hour_is_a_wildcard(String expression, String zone, String day, String times) {
        // when
        List<ZonedDateTime> firings = firings(expression, ZoneId.of(zone), LocalDate.parse(day));

        // then (from 01:00 to 04:00)
        assertThat(firings.stream().filter(time -> time.getHour() >= 1 && time.getHour() < 4).map(time -> time.toOffsetDateTime()
                .toLocalTime() + time.getOffset().getId()).toList()).containsExactlyElementsOf(Arrays.asList(times.split(" ")));
    }

    /**
     * Vixie cron's day rule: when both day fields are restricted a day matches either (POSIX says the
     * same); when either starts with {@code *} (even {@code *}{@code /2}) a day must match both.
     */
    @ParameterizedTest(name = "{0} after {1}")
    @CsvSource({
            "0 8 1 * FRI,         2026-11-02T08:00Z, 2026-11-06T08:00Z 2026-11-13T08:00Z 2026-11-20T08:00Z 2026-11-27T08:00Z 2026-12-01T08:00Z",
            "0 8 1-7 * MON,       2026-11-05T08:00Z, 2026-11-06T08:00Z 2026-11-07T08:00Z 2026-11-09T08:00Z 2026-11-16T08:00Z",
            "0 8 13 * 5,          2027-08-01T00:00Z, 2027-08-06T08:00Z 2027-08-13T08:00Z 2027-08-20T08:00Z",
            "0 8 */2 * FRI,       2026-11-02T08:00Z, 2026-11-13T08:00Z 2026-11-27T08:00Z 2026-12-11T08:00Z",
            "0 8 1 * */3,         2026-11-02T08:00Z, 2027-05-01T08:00Z 2027-08-01T08:00Z",
            "0 8 1 * *,           2026-11-02T08:00Z, 2026-12-01T08:00Z 2027-01-01T08:00Z",
            "0 8 * * 7,           2026-11-02T08:00Z, 2026-11-08T08:00Z 2026-11-15T08:00Z"})
    void should_combine_the_day_fields_as_vixie_cron_does(String expression, String after, String next) {
        // when
        List<ZonedDateTime> times = new ArrayList<>();
        ZonedDateTime time = ZonedDateTime.parse(after);
        for (int i = 0; i < next.split(" ").length; i++) {
            time = Cron.parse(expression).next(time);
            times.add(time);
        }

        // then
        assertThat(times).containsExactlyElementsOf(Arrays.stream(next.split(" ")).map(ZonedDateTime::parse).toList());
    }

    /** Every firing of {@code expression} on {@code day} in {@code zone}, found by asking for the next one from the day's start. */
    private static List<ZonedDateTime> firings(String expression, ZoneId zone, LocalDate day) {
        Cron cron = Cron.parse(expression);
        List<ZonedDateTime> firings = new ArrayList<>();
        ZonedDateTime end = day.plusDays(1).atStartOfDay(zone);
        for (ZonedDateTime time = cron.next(day.atStartOfDay(zone).minusSeconds(1)); time.isBefore(end); time = cron.next(time)) {
            firings.add(time);
        }
        return firings;
    }
}
