package dev.switchboard.workflows.steps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.schemas.ModelCall;
import dev.switchboard.schemas.Task;
import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepOutcome;
import dev.switchboard.schemas.testing.StepTestKit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TaskStepTest {

    private static final StepTestKit.Environment ENVIRONMENT = StepTestKit.environment().withSinks("support-queue");
    private static final ModelCall TRIAGE = new ModelCall("fast", "qwen2.5-7b-instruct", "pv-1", 120, 8, 300, 0.0001, false, "ok");

    @Test
    void should_make_a_task_from_the_templates_when_an_event_reaches_the_step() {
        // given
        Step step = StepTestKit.create(new TaskStepFactory(), "create-task", """
                sink: support-queue
                title: "[{{ steps.triage.label }}] {{ event.data.subject }}"
                body: "{{ event.data.body }}"
                due_in: P1D
                owner: "{{ event.data.owner }}"
                fields:
                  requester: "{{ event.data.requester }}"
                """, ENVIRONMENT);

        // when
        StepOutcome outcome = StepTestKit.run(step, StepTestKit.invocation().workflow("triage").stepId("create-task").eventId("e-1")
                .time("2026-03-01T10:00:00Z").data(Map.of("subject", "Refund", "body", "Charged twice", "owner", " ", "requester", "jane@acme.com"))
                .step("triage", Map.of("label", "billing")).calls(TRIAGE).build());

        // then
        Task task = ((StepOutcome.Completed) outcome).tasks().get(0);
        assertThat(task.id()).isEqualTo(Task.idFor("triage", "", "e-1", "create-task"));
        assertThat(((StepOutcome.Completed) outcome).output()).containsEntry("id", task.id());
        assertThat(task.sink()).isEqualTo("support-queue");
        assertThat(task.title()).isEqualTo("[billing] Refund");
        assertThat(task.body()).isEqualTo("Charged twice");
        assertThat(task.priority()).isEqualTo("normal");
        assertThat(task.dueDate()).isEqualTo("2026-03-02T10:00:00Z");
        assertThat(task.owner()).isNull();
        assertThat(task.fields()).containsEntry("requester", "jane@acme.com");
        assertThat(task.lineage()).containsExactly(TRIAGE);
        assertThat(task.createdAt()).isEqualTo("2026-03-01T10:00:00Z");
    }

    @Test
    void should_make_the_same_task_when_the_same_event_comes_again() {
        // given
        Step step = StepTestKit.create(new TaskStepFactory(), "create-task", "sink: support-queue\ntitle: \"{{ event.data.subject }}\"", ENVIRONMENT);
        var invocation = StepTestKit.invocation().time("2026-03-01T10:00:00Z").data("subject", "Refund").build();

        // when / then a replayed event yields an identical task
        assertThat(((StepOutcome.Completed) StepTestKit.run(step, invocation)).tasks())
                .isEqualTo(((StepOutcome.Completed) StepTestKit.run(step, invocation)).tasks());
    }

    @Test
    void should_report_an_unknown_sink_and_an_invalid_period_when_checked() {
        assertThat(StepTestKit.check(new TaskStepFactory(), "sink: crm\ntitle: t\ndue_in: tomorrow", ENVIRONMENT))
                .extracting(Object::toString)
                .containsExactly(
                        "Unknown sink at sink: got 'crm', expected one of [support-queue]. Declare it under sinks: in the engine configuration",
                        "Invalid period at due_in: got 'tomorrow', expected an ISO-8601 period or duration such as P2D or PT4H");
    }

    // ---- for_each ---------------------------------------------------------------------------------

    private static final String NEXT_STEPS = """
            sink: support-queue
            for_each: steps.summary.next_steps
            title: "{{ item.owner }}: {{ item.action }}"
            body: "After {{ event.data.title }}"
            due: "{{ item.due }}"
            due_in: P7D
            fields:
              deal: "{{ event.data.deal_id }}"
            """;

    private static StepOutcome nextSteps(String yaml, Object nextSteps) {
        Step step = StepTestKit.create(new TaskStepFactory(), "next-steps", yaml, ENVIRONMENT);
        Map<String, Object> summary = new java.util.HashMap<>();
        summary.put("next_steps", nextSteps);
        return StepTestKit.run(step, StepTestKit.invocation().workflow("calls").stepId("next-steps").eventId("call-1")
                .time("2026-10-05T21:34:43Z").data(Map.of("title", "Discovery call", "deal_id", "9008245223"))
                .step("summary", summary).build());
    }

    @Test
    void should_make_one_task_per_item_with_ids_by_position_when_for_each_names_a_list() {
        // given two next steps, the second without a due date
        List<Map<String, Object>> items = List.of(
                Map.of("owner", "Jordan Reyes", "action", "send a demo invite", "due", "2026-10-07"),
                Map.of("owner", "Mara Lindqvist", "action", "share a sample export", "due", ""));

        // when
        StepOutcome outcome = nextSteps(NEXT_STEPS, items);

        // then each item is a task of its own, in order, with its own id, title and due date
        assertThat(outcome).isInstanceOfSatisfying(StepOutcome.Completed.class, completed -> {
            assertThat(completed.tasks()).extracting(Task::id).containsExactly(
                    Task.idFor("calls", "", "call-1", "next-steps[0]"), Task.idFor("calls", "", "call-1", "next-steps[1]"));
            assertThat(completed.tasks()).extracting(Task::title).containsExactly("Jordan Reyes: send a demo invite", "Mara Lindqvist: share a sample export");
            assertThat(completed.tasks()).extracting(Task::dueDate).containsExactly("2026-10-07", "2026-10-12T21:34:43Z");
            assertThat(completed.tasks()).allSatisfy(task -> {
                assertThat(task.body()).isEqualTo("After Discovery call");
                assertThat(task.fields()).containsEntry("deal", "9008245223");
            });
            assertThat(completed.output()).containsEntry("ids", completed.tasks().stream().map(Task::id).toList()).containsEntry("count", 2L);
        });
    }

    @Test
    void should_make_the_same_tasks_when_the_same_event_comes_again_with_the_same_list() {
        // given
        List<Map<String, Object>> items = List.of(Map.of("owner", "A", "action", "x", "due", "2026-10-07"),
                Map.of("owner", "B", "action", "y", "due", "2026-10-08"));

        // when / then
        assertThat(((StepOutcome.Completed) nextSteps(NEXT_STEPS, items)).tasks())
                .isEqualTo(((StepOutcome.Completed) nextSteps(NEXT_STEPS, items)).tasks());
    }

    @Test
    void should_make_no_task_when_the_list_is_absent() {
        // when
        StepOutcome outcome = nextSteps(NEXT_STEPS, null);

        // then
        assertThat(outcome).isInstanceOfSatisfying(StepOutcome.Completed.class, completed -> {
            assertThat(completed.tasks()).isEmpty();
            assertThat(completed.output()).containsEntry("count", 0L);
        });
    }

    @Test
    void should_fail_the_event_for_good_when_for_each_reads_something_that_is_not_a_list() {
        // when
        StepOutcome outcome = nextSteps(NEXT_STEPS, "call Mara back");

        // then
        assertThat(outcome).isInstanceOfSatisfying(StepOutcome.Failed.class, failed -> {
            assertThat(failed.retriable()).isFalse();
            assertThat(failed.reason()).isEqualTo("Not a list at for_each: got 'call Mara back' at steps.summary.next_steps, expected a list. "
                    + "Point for_each at a list, such as an extract step's list field");
        });
    }

    @Test
    void should_fail_the_event_for_good_when_the_list_is_longer_than_max_items() {
        // given
        List<Map<String, Object>> items = java.util.Collections.nCopies(3, Map.of("owner", "A", "action", "x", "due", "2026-10-07"));

        // when
        StepOutcome outcome = nextSteps(NEXT_STEPS + "max_items: 2\n", items);

        // then nothing is half made
        assertThat(outcome).isInstanceOfSatisfying(StepOutcome.Failed.class, failed -> assertThat(failed.reason())
                .startsWith("Too many items at for_each: got 3 at steps.summary.next_steps, expected at most 2."));
    }

    @Test
    void should_fail_the_event_for_good_when_an_item_gives_a_due_date_that_is_no_date() {
        // when
        StepOutcome outcome = nextSteps(NEXT_STEPS, List.of(Map.of("owner", "A", "action", "x", "due", "next Tuesday")));

        // then
        assertThat(outcome).isInstanceOfSatisfying(StepOutcome.Failed.class, failed -> assertThat(failed.reason())
                .isEqualTo("Invalid date at due: got 'next Tuesday', expected an ISO-8601 date or date-time such as 2026-11-03 "
                        + "or 2026-11-03T09:00:00Z (item 0 of steps.summary.next_steps)"));
    }

    @Test
    void should_report_a_for_each_that_is_no_path_when_checked() {
        assertThat(StepTestKit.check(new TaskStepFactory(), "sink: support-queue\ntitle: t\nfor_each: \"{{ steps.summary.next_steps }}\"", ENVIRONMENT))
                .extracting(Object::toString)
                .containsExactly("Invalid path at for_each: got '{{ steps.summary.next_steps }}', expected a path to a list under event or steps, "
                        + "e.g. steps.summary.next_steps (no {{ }})");
    }
}
