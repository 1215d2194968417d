package dev.switchboard.llm.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SimulatedCapacityTest {

    private final SimulatedCapacity capacity = new SimulatedCapacity(32, 64, Duration.ofSeconds(1));

    @Test
    void should_serve_at_the_base_latency_up_to_its_slots_and_slower_in_proportion_past_them() {
        Duration base = Duration.ofMillis(200);

        assertThat(capacity.latency(base, 1)).isEqualTo(base);
        assertThat(capacity.latency(base, 32)).isEqualTo(base);
        assertThat(capacity.latency(base, 48)).isEqualTo(Duration.ofMillis(300));
        assertThat(capacity.latency(base, 64)).isEqualTo(Duration.ofMillis(400));
    }

    @Test
    void should_reject_only_past_its_most_calls_in_flight() {
        assertThat(capacity.rejects(64)).isFalse();
        assertThat(capacity.rejects(65)).isTrue();
    }

    @Test
    void should_give_its_slots_per_base_latency_as_capacity() {
        assertThat(capacity.callsPerSecond(Duration.ofMillis(200))).isEqualTo(160.0);
    }

    @Test
    void should_refuse_fewer_calls_in_flight_than_slots() {
        assertThatThrownBy(() -> new SimulatedCapacity(32, 16, Duration.ofSeconds(1)))
                .hasMessage("Need 1 <= slots <= maxInFlight: got slots 32, maxInFlight 16");
    }
}
