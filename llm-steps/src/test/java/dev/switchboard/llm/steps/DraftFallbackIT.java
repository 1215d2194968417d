package dev.switchboard.llm.steps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.llm.Budgets;
import dev.switchboard.llm.ModelDefinition;
import dev.switchboard.llm.ModelRegistry;
import dev.switchboard.llm.sim.ModelSimulator;
import dev.switchboard.schemas.spi.StepInvocation;
import dev.switchboard.schemas.spi.StepOutcome;
import dev.switchboard.schemas.testing.StepTestKit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A draft's strict template: used when no model drafts (a failing endpoint, a spent budget), never instead of a good draft. */
class DraftFallbackIT {

    private static final String OPTIONS = """
            input: "Invoice {{ event.data.invoice_number }} is {{ event.data.days_overdue }} days overdue"
            knowledge_base: kb/collections
            model: chat
            min_score: 0
            cache: "off"
            """;
    private static final String FALLBACK = """
            fallback: "Invoice {{ event.data.invoice_number }} was due on {{ event.data.due_date }}. Please pay it."
            """;

    @TempDir
    Path dir;

    private ModelSimulator simulator;
    private ModelRegistry models;

    @BeforeEach
    void start() throws Exception {
        Files.createDirectories(dir.resolve("kb/collections"));
        Files.writeString(dir.resolve("kb/collections/tone-guide.md"), "# Reminder tone\nFriendly first, firm second, final third.");
        simulator = ModelSimulator.start();
        models = new ModelRegistry(Map.of("chat", ModelDefinition.builder().baseUrl(simulator.baseUrl()).model("sim").retries(0).build()),
                Map.of());
    }

    @AfterEach
    void stop() {
        models.close();
        simulator.close();
    }

    @Test
    void should_complete_with_the_template_and_keep_the_calls_when_the_model_fails() {
        // given an endpoint that answers 500
        simulator.faultAlways(ModelSimulator.Fault.serverError());

        // when
        StepOutcome outcome = run(OPTIONS + FALLBACK);

        // then the event goes on with the strict template, and the failed call is still accounted
        assertThat(outcome).isInstanceOf(StepOutcome.Completed.class);
        Map<String, Object> output = ((StepOutcome.Completed) outcome).output();
        assertThat(output).containsEntry("draft", "Invoice NW-2026-1044 was due on 2026-11-05. Please pay it.")
                .containsEntry("fallback", true).containsEntry("model", "template");
        assertThat((String) output.get("fallback_reason")).isNotBlank();
        assertThat(outcome.calls()).isNotEmpty();
    }

    @Test
    void should_fail_as_any_model_step_when_no_fallback_is_given() {
        // given
        simulator.faultAlways(ModelSimulator.Fault.serverError());

        // when
        StepOutcome outcome = run(OPTIONS);

        // then
        assertThat(outcome).isInstanceOf(StepOutcome.Failed.class);
    }

    @Test
    void should_use_the_template_without_calling_a_model_when_the_budget_is_spent() {
        // given the workflow spent its budget, and its fallback model (embedded) cannot draft
        models.budgets().register("reminders", new Budgets.Options(0.01, "fallback", "embedded"));
        models.budgets().record("reminders", 1.0);

        // when
        StepOutcome outcome = run(OPTIONS + FALLBACK);

        // then
        assertThat(outcome).isInstanceOf(StepOutcome.Completed.class);
        assertThat(((StepOutcome.Completed) outcome).output()).containsEntry("fallback", true)
                .containsEntry("fallback_reason", "the workflow's budget is spent");
        assertThat(simulator.requestCount()).isZero();
    }

    @Test
    void should_keep_the_models_draft_when_the_model_answers() {
        // given
        simulator.answers(request -> "{\"draft\":\"Dear customer, a friendly reminder about NW-2026-1044.\",\"citations\":[\"tone-guide\"],\"confidence\":0.9}");

        // when
        StepOutcome outcome = run(OPTIONS + FALLBACK);

        // then
        assertThat(outcome).isInstanceOf(StepOutcome.Completed.class);
        Map<String, Object> output = ((StepOutcome.Completed) outcome).output();
        assertThat(output).containsEntry("draft", "Dear customer, a friendly reminder about NW-2026-1044.").doesNotContainKey("fallback");
        assertThat(output.get("model")).isEqualTo("chat");
    }

    private StepOutcome run(String yaml) {
        StepTestKit.Environment environment = StepTestKit.environment().withBaseDir(dir).withService(models);
        StepInvocation invocation = StepTestKit.invocation().workflow("reminders").eventType("invoice.overdue")
                .data(Map.of("invoice_number", "NW-2026-1044", "days_overdue", 26, "due_date", "2026-11-05")).build();
        return StepTestKit.run(StepTestKit.create(new DraftStepFactory(), "reminder", yaml, environment), invocation);
    }
}
