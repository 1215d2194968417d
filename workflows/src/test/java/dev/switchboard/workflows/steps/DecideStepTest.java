package dev.switchboard.workflows.steps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepOutcome;
import dev.switchboard.schemas.testing.StepTestKit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The decide step: rules tried in order over the event and earlier steps, the first that holds names the decision. */
class DecideStepTest {

    private static final String POLICY = """
            rules:
              - when: "steps.triage.label in ['security', 'privacy_legal'] || ('vip' in event.data.tags)"
                then: review
              - when: "steps.triage.confidence >= 0.8 && steps.reply.cited_score >= 0.5 && !steps.reply.pii.exists(k, k in ['card', 'iban'])"
                then: auto_resolve
            otherwise: agent_note
            """;

    private final Step step = StepTestKit.create(new DecideStepFactory(), "route", POLICY, StepTestKit.environment());

    private static StepOutcome decide(Step step, String label, double confidence, double citedScore, List<String> pii, List<String> tags) {
        return StepTestKit.run(step, StepTestKit.invocation().data("tags", tags)
                .step("triage", Map.of("label", label, "confidence", confidence))
                .step("reply", Map.of("cited_score", citedScore, "pii", pii)).build());
    }

    @Test
    void should_name_the_decision_of_the_first_rule_that_holds() {
        // when a sensitive label also meets the auto-resolve rule, and a routine one meets it alone
        StepOutcome sensitive = decide(step, "security", 0.95, 0.7, List.of(), List.of());
        StepOutcome vip = decide(step, "billing", 0.95, 0.7, List.of(), List.of("vip"));
        StepOutcome routine = decide(step, "billing", 0.95, 0.7, List.of("email"), List.of());

        // then
        assertThat(((StepOutcome.Completed) sensitive).output()).isEqualTo(Map.of("decision", "review", "rule", 0));
        assertThat(((StepOutcome.Completed) vip).output()).isEqualTo(Map.of("decision", "review", "rule", 0));
        assertThat(((StepOutcome.Completed) routine).output()).isEqualTo(Map.of("decision", "auto_resolve", "rule", 1));
    }

    @Test
    void should_name_the_otherwise_decision_when_no_rule_holds() {
        // when the classifier is unsure, the draft is poorly grounded, or the ticket holds a card number
        List<StepOutcome> outcomes = List.of(
                decide(step, "billing", 0.6, 0.7, List.of(), List.of()),
                decide(step, "billing", 0.9, 0.3, List.of(), List.of()),
                decide(step, "billing", 0.9, 0.7, List.of("card"), List.of()));

        // then
        assertThat(outcomes).allSatisfy(outcome ->
                assertThat(((StepOutcome.Completed) outcome).output()).isEqualTo(Map.of("decision", "agent_note", "rule", -1)));
    }

    @Test
    void should_fail_permanently_with_the_rule_path_when_a_rule_reads_a_missing_field() {
        // given a rule that does not guard an optional step
        Step unguarded = StepTestKit.create(new DecideStepFactory(), "route", """
                rules:
                  - when: "steps.account.record.tier == 'vip'"
                    then: review
                otherwise: agent_note
                """, StepTestKit.environment());

        // when
        StepOutcome outcome = StepTestKit.run(unguarded, StepTestKit.invocation().build());

        // then
        assertThat(outcome).isInstanceOfSatisfying(StepOutcome.Failed.class, failed -> {
            assertThat(failed.retriable()).isFalse();
            assertThat(failed.reason()).startsWith("steps.route.rules[0].when: Condition 'steps.account.record.tier == 'vip'' failed")
                    .contains("Guard optional fields with has()");
        });
    }

    @Test
    void should_report_each_invalid_name_and_an_empty_policy_at_their_paths() {
        assertThat(StepTestKit.check(new DecideStepFactory(), """
                rules: []
                otherwise: Agent note
                """, StepTestKit.environment())).extracting(Object::toString).containsExactly(
                "No rules at rules: expected at least one rule with when and then. Without rules every event gets the otherwise decision; drop the step instead",
                "Invalid decision name at otherwise: got 'Agent note', expected lowercase letters, digits and '_', e.g. auto_resolve. "
                        + "Later steps compare steps.<id>.decision with it");
    }
}
