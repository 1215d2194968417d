package dev.switchboard.workflows.streams;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.switchboard.workflows.expr.Cron;
import java.time.ZonedDateTime;
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
}
