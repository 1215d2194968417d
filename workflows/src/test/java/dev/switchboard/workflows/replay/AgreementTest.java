package dev.switchboard.workflows.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.switchboard.schemas.Task;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgreementTest {

    private static Task task(String eventId, String title, String label, String confidence) {
        return new Task("task-" + eventId + "-" + title.hashCode(), "wf", "create-task", "crm", eventId, "ticket.created", title, "body",
                "normal", null, null, Map.of("label", label, "confidence", confidence), List.of(), "2026-11-28T10:00:00Z");
    }

    @Test
    void should_sort_events_into_same_changed_dropped_new_and_no_task_when_comparing() {
        // given five events: one the same, one relabelled, one only live, one only replayed, one with no task at all
        Map<String, List<Task>> live = Map.of(
                "e1", List.of(task("e1", "[billing] Invoice", "billing", "0.9")),
                "e2", List.of(task("e2", "[billing] Refund", "billing", "0.6")),
                "e3", List.of(task("e3", "[bug] Crash", "bug", "0.8")));
        Map<String, List<Task>> variant = Map.of(
                "e1", List.of(task("e1", "[billing] Invoice", "billing", "0.90")),
                "e2", List.of(task("e2", "[refund] Refund", "refund", "0.7")),
                "e4", List.of(task("e4", "[bug] Login", "bug", "0.5")));

        // when
        Agreement agreement = Agreement.of(List.of("e1", "e2", "e3", "e4", "e5"), live, variant);

        // then ids and creation times never count, numbers rendered as text compare as numbers
        assertThat(agreement.events()).isEqualTo(5);
        assertThat(agreement.same()).isEqualTo(1);
        assertThat(agreement.changed()).isEqualTo(1);
        assertThat(agreement.dropped()).isEqualTo(1);
        assertThat(agreement.added()).isEqualTo(1);
        assertThat(agreement.noTask()).isEqualTo(1);
        assertThat(agreement.agreement()).isEqualTo(0.25);
        // the label changed from billing to refund, and with it the title; the confidence moved by 0.1
        assertThat(agreement.attributes()).containsOnlyKeys("fields.confidence", "fields.label", "title");
        assertThat(agreement.attributes().get("fields.label").transitions()).containsExactly(Map.entry("billing → refund", 1));
        assertThat(agreement.attributes().get("fields.confidence").meanDelta()).isCloseTo(0.1, within(1e-9));
        assertThat(agreement.attributes().get("fields.confidence").transitions()).isEmpty();
        assertThat(agreement.diffs()).extracting(Agreement.EventDiff::kind).containsExactly("changed", "dropped", "new");
        assertThat(agreement.diffs().get(0).attributes().get("fields.label")).containsExactly("billing", "refund");
    }

    @Test
    void should_count_small_score_moves_as_agreement_when_within_tolerance() {
        // given the same label, with a confidence that moved by 0.02
        Map<String, List<Task>> live = Map.of("e1", List.of(task("e1", "t", "a", "0.80")));
        Map<String, List<Task>> variant = Map.of("e1", List.of(task("e1", "t", "a", "0.82")));

        // when
        Agreement lenient = Agreement.of(List.of("e1"), live, variant, 0.05);
        Agreement strict = Agreement.of(List.of("e1"), live, variant, 0);

        // then the delta is reported both times, the event disagrees only without tolerance
        assertThat(lenient.same()).isEqualTo(1);
        assertThat(lenient.attributes().get("fields.confidence").meanAbsDelta()).isCloseTo(0.02, within(1e-9));
        assertThat(lenient.diffs()).isEmpty();
        assertThat(strict.changed()).isEqualTo(1);
    }

    @Test
    void should_agree_fully_when_the_variant_makes_the_same_tasks() {
        // given
        Map<String, List<Task>> tasks = Map.of("e1", List.of(task("e1", "t", "a", "1")));

        // when
        Agreement agreement = Agreement.of(List.of("e1"), tasks, tasks);

        // then
        assertThat(agreement.agreement()).isEqualTo(1.0);
        assertThat(agreement.diffs()).isEmpty();
    }
}
