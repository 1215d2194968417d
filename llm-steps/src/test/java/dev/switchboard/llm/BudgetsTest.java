package dev.switchboard.llm;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class BudgetsTest {

    @Test
    void should_give_the_fallback_when_calls_in_flight_already_reach_the_budget() {
        // given a budget of $0.01 and calls of up to $0.006 each
        Budgets budgets = new Budgets();
        budgets.register("triage", new Budgets.Options(0.01, "fallback", "cheap"));

        // when ten events start together, before any cost is known
        List<Budgets.Admission> admissions = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            admissions.add(budgets.admit("triage", "premium", 0.006));
        }

        // then two calls fit and the other eight go to the fallback
        assertThat(admissions).extracting(Budgets.Admission::model).containsExactly(
                "premium", "premium", "cheap", "cheap", "cheap", "cheap", "cheap", "cheap", "cheap", "cheap");
        assertThat(budgets.state("triage")).isEqualTo(Budgets.State.WITHIN);
    }

    @Test
    void should_admit_the_configured_model_again_when_a_call_costs_less_than_held() {
        // given one call in flight holding $0.006 of a $0.01 budget
        Budgets budgets = new Budgets();
        budgets.register("triage", new Budgets.Options(0.01, "fallback", "cheap"));
        Budgets.Admission first = budgets.admit("triage", "premium", 0.006);
        budgets.admit("triage", "premium", 0.006);
        assertThat(budgets.admit("triage", "premium", 0.006).model()).isEqualTo("cheap");

        // when it ends having cost $0.001
        budgets.record("triage", 0.001);
        budgets.release("triage", first.reservedUsd());

        // then the next event may use the configured model, and the day's spend is the real cost
        assertThat(budgets.admit("triage", "premium", 0.006).model()).isEqualTo("premium");
        assertThat(budgets.spentToday("triage")).isEqualTo(0.001);
    }

    @Test
    void should_keep_the_configured_model_when_the_workflow_has_no_budget() {
        Budgets budgets = new Budgets();

        Budgets.Admission admission = budgets.admit("triage", "premium", 100);

        assertThat(admission.model()).isEqualTo("premium");
        assertThat(admission.reservedUsd()).isZero();
    }
}
