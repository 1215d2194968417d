package dev.switchboard.workflows.steps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.schemas.ModelCall;
import dev.switchboard.schemas.Task;
import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepOutcome;
import dev.switchboard.schemas.testing.StepTestKit;
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
        Task task = ((StepOutcome.Completed) outcome).task();
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
        assertThat(((StepOutcome.Completed) StepTestKit.run(step, invocation)).task())
                .isEqualTo(((StepOutcome.Completed) StepTestKit.run(step, invocation)).task());
    }

    @Test
    void should_report_an_unknown_sink_and_an_invalid_period_when_checked() {
        assertThat(StepTestKit.check(new TaskStepFactory(), "sink: crm\ntitle: t\ndue_in: tomorrow", ENVIRONMENT))
                .extracting(Object::toString)
                .containsExactly(
                        "Unknown sink at sink: got 'crm', expected one of [support-queue]. Declare it under sinks: in the engine configuration",
                        "Invalid period at due_in: got 'tomorrow', expected an ISO-8601 period or duration such as P2D or PT4H");
    }
}
