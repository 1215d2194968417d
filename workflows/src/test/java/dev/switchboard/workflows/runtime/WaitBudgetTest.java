package dev.switchboard.workflows.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class WaitBudgetTest {

    @Test
    void should_bound_a_batch_to_a_fifth_of_the_poll_interval_when_kafka_keeps_its_default() {
        // Kafka's default max.poll.interval.ms is 5 minutes: a batch's waits end within one
        assertThat(WaitBudget.limit(Map.of())).isEqualTo(Duration.ofMinutes(1));
        assertThat(WaitBudget.limit(Map.of("max.poll.interval.ms", "100000"))).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void should_refuse_a_wait_when_it_would_end_past_the_limit() {
        // given a batch 50 s into its 60 s
        FakeTimer timer = new FakeTimer();
        WaitBudget budget = WaitBudget.start(Duration.ofSeconds(60), timer);
        timer.advance(Duration.ofSeconds(50));

        // then a wait that ends by the limit is allowed, a longer one is not
        assertThat(budget.allows(Duration.ofSeconds(10))).isTrue();
        assertThat(budget.allows(Duration.ofMillis(10_001))).isFalse();
        budget.await(Duration.ofSeconds(10));
        assertThat(budget.allows(Duration.ofMillis(1))).isFalse();
        assertThat(budget.allows(Duration.ZERO)).isTrue();
    }
}
