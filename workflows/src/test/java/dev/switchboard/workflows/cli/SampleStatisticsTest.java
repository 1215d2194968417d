package dev.switchboard.workflows.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class SampleStatisticsTest {

    @Test
    void should_give_the_middle_run_as_median_and_the_range_as_spread_when_the_count_is_odd() {
        SampleStatistics runs = SampleStatistics.of(0.48, 0.71, 0.45, 0.53, 0.70);

        assertThat(runs.median()).isEqualTo(0.53);
        assertThat(runs.min()).isEqualTo(0.45);
        assertThat(runs.max()).isEqualTo(0.71);
        assertThat(runs.relativeSpread()).isCloseTo(0.26 / 0.53, within(1e-12));
    }

    @Test
    void should_average_the_two_middle_runs_when_the_count_is_even() {
        assertThat(SampleStatistics.of(List.of(4, 1, 3, 2)).median()).isEqualTo(2.5);
    }

    @Test
    void should_take_nearest_rank_percentiles() {
        SampleStatistics latencies = SampleStatistics.of(List.of(10, 20, 30, 40, 50, 60, 70, 80, 90, 100));

        assertThat(latencies.percentile(0.50)).isEqualTo(50);
        assertThat(latencies.percentile(0.99)).isEqualTo(100);
        assertThat(latencies.percentile(0.10)).isEqualTo(10);
        assertThat(latencies.percentile(0.11)).isEqualTo(20);
    }

    @Test
    void should_give_nan_without_samples() {
        SampleStatistics none = SampleStatistics.of(List.<Double>of());

        assertThat(none.median()).isNaN();
        assertThat(none.percentile(0.5)).isNaN();
        assertThat(none.count()).isZero();
    }
}
