package dev.switchboard.workflows.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rates and today's counts from the engine's counters sampled over time. */
class CounterHistoryTest {

    private Instant now = Instant.parse("2026-12-04T23:50:00Z");
    private final Clock clock = new Clock() {
        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    };
    private final CounterHistory history = new CounterHistory(clock, Duration.ofMinutes(5));

    @Test
    void should_tell_events_per_minute_over_the_window_when_counters_grow() {
        // given samples every minute: 10 events a minute for ten minutes, then 40 a minute for the last five
        long events = 0;
        for (int minute = 0; minute <= 10; minute++) {
            events += minute <= 5 ? 10 : 40;
            history.sample(Map.of("triage", Map.of("events", events)));
            now = now.plus(Duration.ofMinutes(1));
        }

        // then the rate is over the last five minutes only
        assertThat(history.perMinute("triage", "events")).hasValue(40.0);
        assertThat(history.perMinute("other", "events")).isEmpty();
    }

    @Test
    void should_tell_no_rate_when_samples_span_too_little_time() {
        history.sample(Map.of("triage", Map.of("events", 1L)));
        now = now.plusSeconds(2);
        history.sample(Map.of("triage", Map.of("events", 5L)));

        assertThat(history.perMinute("triage", "events")).isEmpty();
    }

    @Test
    void should_count_from_midnight_when_the_day_turns_and_from_the_start_on_the_first_day() {
        // given an engine that started at 23:50 and made 7 tasks and a dead letter before midnight
        history.sample(Map.of("triage", Map.of("tasks", 0L)));
        now = Instant.parse("2026-12-04T23:59:50Z");
        history.sample(Map.of("triage", Map.of("tasks", 7L, "dead_letters", 1L)));
        assertThat(history.today("triage", "tasks")).isEqualTo(7);

        // when the day turns and three more tasks are made
        now = Instant.parse("2026-12-05T00:00:05Z");
        history.sample(Map.of("triage", Map.of("tasks", 8L, "dead_letters", 1L)));
        now = Instant.parse("2026-12-05T00:10:00Z");
        history.sample(Map.of("triage", Map.of("tasks", 10L, "dead_letters", 1L)));

        // then today counts from the last sample before midnight
        assertThat(history.today("triage", "tasks")).isEqualTo(3);
        assertThat(history.today("triage", "dead_letters")).isZero();
    }
}
