package dev.switchboard.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNullPointerException;

import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class TaskTest {

    @Test
    void should_return_same_id_when_inputs_are_same() {
        // given / when
        String first = Task.idFor("ticket-triage", "/src", "evt-1", "create-task");
        String second = Task.idFor("ticket-triage", "/src", "evt-1", "create-task");

        // then
        assertThat(first).isEqualTo(second);
    }

    @Test
    void should_keep_the_id_of_earlier_releases_when_inputs_are_the_same() {
        // given the id an earlier release gave this task: it is the idempotency key of tasks already delivered
        String delivered = "tsk_d801a8846a617bdd657113b1dcb62da2";

        // when
        String id = Task.idFor("ticket-triage", "/src", "evt-1", "create-task");

        // then
        assertThat(id).isEqualTo(delivered);
    }

    @Test
    void should_return_the_same_ids_when_computed_from_many_threads() {
        // given
        List<String> expected = IntStream.range(0, 200)
                .mapToObj(i -> Task.idFor("wf", "/src", "evt-" + i, "step")).toList();

        // when
        List<String> parallel = IntStream.range(0, 200).parallel()
                .mapToObj(i -> Task.idFor("wf", "/src", "evt-" + i, "step")).toList();

        // then
        assertThat(parallel).isEqualTo(expected);
    }

    @Test
    void should_return_tsk_and_32_hex_digits_when_computing_id() {
        // given / when
        String id = Task.idFor("ticket-triage", "/src", "evt-1", "create-task");

        // then
        assertThat(id).matches("tsk_[0-9a-f]{32}");
    }

    @Test
    void should_return_different_ids_when_workflow_event_or_step_differs() {
        // given / when
        List<String> ids = List.of(
                Task.idFor("ticket-triage", "/src", "evt-1", "create-task"),
                Task.idFor("lead-routing", "/src", "evt-1", "create-task"),
                Task.idFor("ticket-triage", "/src", "evt-2", "create-task"),
                Task.idFor("ticket-triage", "/src", "evt-1", "notify"));

        // then
        assertThat(Set.copyOf(ids)).hasSize(ids.size());
    }

    @Test
    void should_return_different_ids_when_the_same_event_id_comes_from_two_sources() {
        // given / when
        String zendesk = Task.idFor("ticket-triage", "/zendesk", "42", "create-task");
        String github = Task.idFor("ticket-triage", "/github", "42", "create-task");

        // then
        assertThat(zendesk).isNotEqualTo(github);
    }

    @Test
    void should_return_different_ids_when_parts_shift_across_boundaries() {
        // given inputs whose plain concatenation is the same
        String a = Task.idFor("ab", "s", "c", "d");
        String b = Task.idFor("a", "bs", "c", "d");
        String c = Task.idFor("a", "b", "sc", "d");
        String d = Task.idFor("a", "b", "s", "cd");

        // then the separator keeps them apart
        assertThat(Set.of(a, b, c, d)).hasSize(4);
    }

    @Test
    void should_default_fields_and_lineage_when_they_are_null() {
        // given / when
        Task task = new Task("tsk_1", "wf", "step", "sink", "evt-1", "ticket.created", "t", null, null, null, null,
                null, null, null);

        // then
        assertThat(task.fields()).isEmpty();
        assertThat(task.lineage()).isEmpty();
    }

    @Test
    void should_refuse_task_when_id_or_sink_is_null() {
        // given / when / then
        assertThatNullPointerException().isThrownBy(() ->
                new Task(null, "wf", "step", "sink", "evt-1", "t", "t", null, null, null, null, null, null, null));
        assertThatNullPointerException().isThrownBy(() ->
                new Task("tsk_1", "wf", "step", null, "evt-1", "t", "t", null, null, null, null, null, null, null));
    }
}
