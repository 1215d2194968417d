package dev.switchboard.workflows.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.switchboard.workflows.eval.Prediction.Outcome;
import java.util.List;
import org.junit.jupiter.api.Test;

class ModelResultTest {

    /** Three in-scope rows (labels a, b) and two out-of-scope rows (label x, unknown to the step). */
    private static final List<Prediction> PREDICTIONS = List.of(
            new Prediction(0, "a", "a", 0.9, Outcome.ANSWERED, null, 1, 0.1, 0, 1),
            new Prediction(1, "a", "b", 0.4, Outcome.ANSWERED, null, 2, 0.1, 1, 1),
            new Prediction(2, "b", "b", 0.8, Outcome.ANSWERED, null, 3, 0.1, 0, 1),
            new Prediction(3, "x", "a", 0.3, Outcome.ANSWERED, null, 4, 0.1, 0, 1),
            new Prediction(4, "x", "b", 0.95, Outcome.ANSWERED, null, 100, 0.1, 0, 1));

    @Test
    void should_score_in_scope_rows_and_route_low_confidence_to_review_when_a_threshold_is_set() {
        // when
        ModelResult result = ModelResult.of("m", List.of("a", "b"), PREDICTIONS, 0.5, 2.0);

        // then accuracy counts the in-scope rows only, whatever their confidence: 2 of 3
        assertThat(result.inScope()).isEqualTo(3);
        assertThat(result.outOfScope()).isEqualTo(2);
        assertThat(result.scores().accuracy()).isCloseTo(2 / 3.0, within(1e-12));
        // at 0.5, rows 1 (0.4) and 3 (0.3) go to review: 2 of 5
        assertThat(result.reviewRate()).isEqualTo(0.4);
        // the kept in-scope answers (rows 0 and 2) are both right
        assertThat(result.acceptedAccuracy()).isEqualTo(1.0);
        // one of the two out-of-scope rows reached a person, the other got a wrong label
        assertThat(result.oosToReview()).isEqualTo(0.5);
        assertThat(result.costPer1000()).isCloseTo(100, within(1e-9));
        assertThat(result.cacheHits()).isEqualTo(1);
        assertThat(result.calls()).isEqualTo(5);
        assertThat(result.p50Millis()).isEqualTo(3);
        assertThat(result.p95Millis()).isEqualTo(100);
        assertThat(result.rowsPerSecond()).isEqualTo(2.5);
    }

    @Test
    void should_sweep_thresholds_when_building_the_tradeoff_curve() {
        // when
        ModelResult result = ModelResult.of("m", List.of("a", "b"), PREDICTIONS, 0, 1);

        // then at 0 nothing goes to review, at 0.99 everything does
        ModelResult.TradeoffPoint first = result.curve().get(0);
        assertThat(first.threshold()).isZero();
        assertThat(first.coverage()).isEqualTo(1.0);
        assertThat(first.reviewRate()).isZero();
        assertThat(first.oosToReview()).isZero();
        assertThat(first.acceptedAccuracy()).isCloseTo(2 / 3.0, within(1e-12));
        ModelResult.TradeoffPoint last = result.curve().get(result.curve().size() - 1);
        assertThat(last.threshold()).isEqualTo(0.99);
        assertThat(last.reviewRate()).isEqualTo(1.0);
        assertThat(last.oosToReview()).isEqualTo(1.0);
        assertThat(last.acceptedAccuracy()).isNaN();
    }

    @Test
    void should_count_reviews_and_failures_as_review_whatever_the_threshold() {
        // given one row the step held for review and one it failed on
        List<Prediction> predictions = List.of(
                new Prediction(0, "a", "a", 0.99, Outcome.REVIEW, "chain exhausted", 0, 0, 0, 2),
                new Prediction(1, "a", null, 0, Outcome.FAILED, "boom", 0, 0, 0, 1));

        // when
        ModelResult result = ModelResult.of("m", List.of("a", "b"), predictions, 0, 1);

        // then
        assertThat(result.reviewRate()).isEqualTo(1.0);
        assertThat(result.failed()).isEqualTo(1);
        assertThat(result.scores().accuracy()).isEqualTo(0.5);
        assertThat(result.oosToReview()).isNaN();
    }

    @Test
    void should_leave_skipped_rows_out_of_every_score_when_a_filter_skipped_them() {
        // given two answered rows and three the workflow's filter or a condition left out
        List<Prediction> predictions = List.of(
                new Prediction(0, "a", "a", 0.9, Outcome.ANSWERED, null, 2, 0.2, 0, 1),
                new Prediction(1, "b", "b", 0.8, Outcome.ANSWERED, null, 4, 0.2, 0, 1),
                new Prediction(2, "a", null, 0, Outcome.SKIPPED, "on.filter is false", 0, 0, 0, 0),
                new Prediction(3, "x", null, 0, Outcome.SKIPPED, "on.filter is false", 0, 0, 0, 0),
                new Prediction(4, "b", null, 0, Outcome.SKIPPED, "steps.topic.when is false", 0, 0, 0, 0));

        // when
        ModelResult result = ModelResult.of("m", List.of("a", "b"), predictions, 0.5, 1);

        // then accuracy, review and cost are of the two rows the step saw; the others are counted, with their reasons
        assertThat(result.rows()).isEqualTo(5);
        assertThat(result.skipped()).isEqualTo(3);
        assertThat(result.skippedReasons()).containsExactly(java.util.Map.entry("on.filter is false", 2),
                java.util.Map.entry("steps.topic.when is false", 1));
        assertThat(result.inScope()).isEqualTo(2);
        assertThat(result.outOfScope()).isZero();
        assertThat(result.scores().accuracy()).isEqualTo(1.0);
        assertThat(result.reviewRate()).isZero();
        assertThat(result.costPer1000()).isCloseTo(200, within(1e-9));
        assertThat(result.p50Millis()).isEqualTo(2);
        assertThat(result.curve().get(result.curve().size() - 1).reviewRate()).isEqualTo(1.0);
    }
}
