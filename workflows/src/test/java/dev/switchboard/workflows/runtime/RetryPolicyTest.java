package dev.switchboard.workflows.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.workflows.config.DeliverySettings;
import java.time.Duration;
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
    void should_take_attempts_and_waits_from_the_delivery_section_when_built_for_delivery() {
        // given the delivery section as the file leaves it out: its declared defaults
        RetryPolicy delivery = RetryPolicy.of(DeliverySettings.defaults());

        // then
        assertThat(delivery.maxAttempts()).isEqualTo(8);
        assertThat(delivery.maxBackoff()).isEqualTo(Duration.ofSeconds(30));
        assertThat(delivery.delay(1, null)).isBetween(Duration.ofMillis(100), Duration.ofMillis(301));
    }
}
