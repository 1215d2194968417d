package dev.switchboard.workflows.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScoresTest {

    // expected a a a b b c, answered a a b b (none) a: worked out by hand below
    private static final List<String> EXPECTED = List.of("a", "a", "a", "b", "b", "c");
    private static final List<String> PREDICTED = Arrays.asList("a", "a", "b", "b", null, "a");

    @Test
    void should_compute_accuracy_and_per_label_scores_when_given_a_hand_made_case() {
        // when
        Scores scores = Scores.of(EXPECTED, PREDICTED, List.of("a", "b", "c"));

        // then accuracy is 3 of 6
        assertThat(scores.examples()).isEqualTo(6);
        assertThat(scores.correct()).isEqualTo(3);
        assertThat(scores.accuracy()).isEqualTo(0.5);
        // a: answered 3 times (twice right, once for c), expected 3 times: P = R = F1 = 2/3
        Scores.LabelScore a = scores.labels().get(0);
        assertThat(a.label()).isEqualTo("a");
        assertThat(a.support()).isEqualTo(3);
        assertThat(a.predicted()).isEqualTo(3);
        assertThat(a.precision()).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(a.recall()).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(a.f1()).isCloseTo(2 / 3.0, within(1e-12));
        // b: answered twice (once right), expected twice (once unanswered): P = R = F1 = 1/2
        Scores.LabelScore b = scores.labels().get(1);
        assertThat(b.precision()).isEqualTo(0.5);
        assertThat(b.recall()).isEqualTo(0.5);
        assertThat(b.f1()).isEqualTo(0.5);
        // c: never answered: P = 0 (no answers), R = 0, F1 = 0
        Scores.LabelScore c = scores.labels().get(2);
        assertThat(c.support()).isEqualTo(1);
        assertThat(c.predicted()).isZero();
        assertThat(c.precision()).isZero();
        assertThat(c.f1()).isZero();
        // macro-F1 = (2/3 + 1/2 + 0) / 3
        assertThat(scores.macroF1()).isCloseTo((2 / 3.0 + 0.5) / 3, within(1e-12));
    }

    @Test
    void should_count_every_pair_when_building_the_confusion_matrix() {
        // when
        Scores.Confusion confusion = Scores.of(EXPECTED, PREDICTED, List.of("a", "b", "c")).confusion();

        // then rows are expected labels, columns answered labels plus one for rows with no answer
        assertThat(confusion.labels()).containsExactly("a", "b", "c");
        assertThat(confusion.columns()).containsExactly("a", "b", "c", Scores.NONE);
        assertThat(confusion.counts()).isDeepEqualTo(new int[][] {
                {2, 1, 0, 0},
                {0, 1, 0, 1},
                {1, 0, 0, 0}});
        assertThat(confusion.mistakes()).containsExactly(
                Map.entry("a", Map.entry("b", 1)), Map.entry("b", Map.entry(Scores.NONE, 1)), Map.entry("c", Map.entry("a", 1)));
    }

    @Test
    void should_list_the_step_labels_first_when_ordering_rows() {
        // when labels are answered that the order does not name
        Scores scores = Scores.of(List.of("x", "y"), List.of("y", "z"), List.of("y", "x"));

        // then the named ones come first, in their order, then the rest sorted; no column for missing answers
        assertThat(scores.confusion().labels()).containsExactly("y", "x", "z");
        assertThat(scores.confusion().columns()).doesNotContain(Scores.NONE);
        assertThat(scores.macroF1()).isZero();
    }
}
