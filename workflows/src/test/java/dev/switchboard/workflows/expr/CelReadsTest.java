package dev.switchboard.workflows.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CelReadsTest {

    private static final Set<String> ROOTS = Set.of("event", "steps");

    @Test
    void should_find_every_path_below_the_roots_with_its_segments() {
        // when
        CelReads reads = CelReads.of("has(event.data.priority) && event.data.tags[0] == 'vip' && steps['lead-score'].score > 50"
                + " && event.data.requester.email.lowerAscii().endsWith('@acme.com') && event.data.tags.exists(t, t == x.y)", ROOTS);

        // then
        assertThat(reads.reads()).extracting(CelReads.Read::text).containsExactly(
                "event.data.priority", "event.data.tags[0]", "steps['lead-score'].score", "event.data.requester.email", "event.data.tags");
        assertThat(reads.reads().get(1).segments()).containsExactly("event", "data", "tags", 0);
        assertThat(reads.reads().get(2).segments()).containsExactly("steps", "lead-score", "score");
    }

    @Test
    void should_find_texts_compared_with_a_path_on_either_side_and_in_lists() {
        // when
        CelReads reads = CelReads.of("steps.kind.label == 'bug' || 'feature' != steps.kind.label"
                + " || steps.kind.label in ['question', 'other', 1] || event.data.count == 3", ROOTS);

        // then
        assertThat(reads.comparisons()).extracting(comparison -> comparison.path().text(), CelReads.Comparison::texts).containsExactly(
                tuple("steps.kind.label", List.of("bug")),
                tuple("steps.kind.label", List.of("feature")),
                tuple("steps.kind.label", List.of("question", "other")));
    }

    @Test
    void should_read_the_step_when_asked_whether_it_ran_but_not_a_list_asked_whether_it_holds_a_text() {
        // when
        CelReads reads = CelReads.of("'hold' in steps && 'vip' in event.data.tags && steps['lead-score'].score in [1, 2]", ROOTS);

        // then
        assertThat(reads.reads()).extracting(CelReads.Read::text).containsExactly("steps.hold", "event.data.tags", "steps['lead-score'].score");
        assertThat(reads.reads().get(0).segments()).containsExactly("steps", "hold");
    }

    @Test
    void should_ignore_variables_that_are_not_roots() {
        // when a window condition reads its own variables
        CelReads reads = CelReads.of("count >= 3 && key != ''", ROOTS);

        // then
        assertThat(reads.reads()).isEmpty();
        assertThat(reads.comparisons()).isEmpty();
    }

    @Test
    void should_refuse_an_expression_that_does_not_parse() {
        assertThatThrownBy(() -> CelReads.of("event.data. ==", ROOTS)).isInstanceOf(IllegalArgumentException.class);
    }
}
