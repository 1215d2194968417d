package dev.switchboard.workflows.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.workflows.config.DeliveryPolicy;
import dev.switchboard.workflows.config.DeliverySettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

    private final RetryPolicy policy = RetryPolicy.of(5, Duration.ofMillis(200), Duration.ofSeconds(2));

    @ParameterizedTest
    @CsvSource({"1, 200", "2, 400", "3, 800", "4, 1600"})
    void should_double_the_wait_within_its_jitter_when_attempts_fail(int attempt, long backoffMillis) {
        // when the wait after a failed attempt is computed many times
        for (int i = 0; i < 200; i++) {
            long wait = policy.delay(attempt, null).toMillis();

            // then it stays within the jitter around the doubled backoff, and under the longest wait
            assertThat(wait).isBetween((long) (backoffMillis * (1 - RetryPolicy.JITTER)),
                    Math.min(2000, (long) (backoffMillis * (1 + RetryPolicy.JITTER)) + 1));
        }
    }

    @Test
    void should_spread_waits_when_many_records_fail_together() {
        // when one attempt's wait is computed for many records
        long distinct = java.util.stream.IntStream.range(0, 100).mapToLong(i -> policy.delay(3, null).toMillis()).distinct().count();

        // then they do not all retry at the same moment
        assertThat(distinct).isGreaterThan(10);
    }

    @Test
    void should_wait_at_least_retry_after_when_the_server_asks_for_it() {
        assertThat(policy.delay(1, Duration.ofMillis(1500))).isGreaterThanOrEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void should_cap_retry_after_at_the_longest_wait_when_the_server_asks_for_more() {
        assertThat(policy.delay(1, Duration.ofMinutes(10))).isEqualTo(Duration.ofSeconds(2));
        assertThat(policy.delay(40, null)).isLessThanOrEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void should_stop_after_the_last_attempt() {
        assertThat(policy.retriesAfter(4)).isTrue();
        assertThat(policy.retriesAfter(5)).isFalse();
        assertThat(RetryPolicy.untilStopped(Duration.ofMillis(200), Duration.ofSeconds(5)).retriesAfter(1_000_000)).isTrue();
    }

    @Test
    void should_not_wait_when_the_initial_backoff_is_zero() {
        assertThat(RetryPolicy.of(3, Duration.ZERO, Duration.ofSeconds(1)).delay(2, null)).isZero();
    }

    @Test
    void should_keep_trying_for_more_than_a_day_on_the_standard_webhooks_schedule_when_delivery_is_left_at_its_defaults() {
        // given the delivery section as the file leaves it out: its declared defaults
        RetryPolicy delivery = RetryPolicy.of(DeliverySettings.defaults().policy());

        // then 8 attempts: immediately, then after 5 s, 5 min, 30 min, 2 h, 5 h, 10 h and 10 h, so a receiver down for
        // a restart, a deploy or a night loses nothing
        assertThat(delivery.maxAttempts()).isEqualTo(8);
        List<Duration> waits = new ArrayList<>();
        for (int attempt = 1; delivery.retriesAfter(attempt); attempt++) {
            waits.add(delivery.delay(attempt, null));
        }
        assertThat(waits).containsExactly(Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofMinutes(30), Duration.ofHours(2),
                Duration.ofHours(5), Duration.ofHours(10), Duration.ofHours(10));
        assertThat(waits.stream().reduce(Duration.ZERO, Duration::plus)).isGreaterThan(Duration.ofMinutes(10)).isGreaterThan(Duration.ofDays(1));
        assertThat(delivery.delay(1, Duration.ofMinutes(2))).as("Retry-After longer than the wait").isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void should_back_off_exponentially_and_repeat_the_last_wait_when_the_delivery_section_says_so() {
        // given one policy with exponential backoff and one with a short schedule and more attempts than waits
        DeliveryPolicy exponential = new DeliveryPolicy(List.of("5s"), 6, 20, 2000);
        DeliveryPolicy repeating = new DeliveryPolicy(List.of("1s", "1m"), 5, null, null);

        // then
        assertThat(RetryPolicy.of(exponential).maxAttempts()).isEqualTo(6);
        assertThat(RetryPolicy.of(exponential).delay(1, null)).isBetween(Duration.ofMillis(10), Duration.ofMillis(30));
        assertThat(RetryPolicy.of(exponential).delay(20, Duration.ofHours(1))).isEqualTo(Duration.ofSeconds(2));
        assertThat(RetryPolicy.of(repeating).delay(4, null)).isEqualTo(Duration.ofMinutes(1));
        assertThat(RetryPolicy.of(repeating).retriesAfter(5)).isFalse();
    }
}
