package dev.switchboard.workflows.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CelTest {

    private static final Cel CEL = new Cel();

    /** Event values as the runner gives them (JsonValues): whole numbers are Long, others Double. */
    private static Map<String, Object> variables() {
        return Map.of(
                "event", Map.of("id", "e1", "type", "ticket.created",
                        "data", Map.of("priority", "urgent", "subject", "Printer on fire", "seats", 12L,
                                "tags", List.of("hardware", "urgent"))),
                "steps", Map.of("triage", Map.of("label", "bug", "confidence", 0.92)));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "event.data.priority == 'urgent'                         | true",
            "event.data.priority != 'urgent'                         | false",
            "event.type.startsWith('ticket.')                        | true",
            "steps.triage.label == 'bug' && event.data.seats >= 10   | true",
            "steps.triage.label in ['billing', 'how_to']             | false",
            "'urgent' in event.data.tags                             | true",
            "event.data.tags.exists(t, t == 'hardware')              | true",
            "size(event.data.subject) > 100                          | false",
            "has(event.data.priority)                                | true",
            "has(event.data.channel)                                 | false",
            "has(event.data.channel) && event.data.channel == 'mail' | false",
            "!has(steps.later)                                       | true"
    })
    void should_evaluate_condition_when_it_reads_event_and_steps(String source, boolean expected) {
        // given
        Cel.Condition condition = CEL.compile(source);

        // when
        boolean result = condition.test(variables());

        // then
        assertThat(result).isEqualTo(expected);
        assertThat(condition.source()).isEqualTo(source);
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "steps.triage.confidence > 0     | true",
            "steps.triage.confidence >= 1    | false",
            "steps.triage.confidence < 1     | true",
            "event.data.seats > 11.5         | true",
            "event.data.seats == 12.0        | true"
    })
    void should_compare_numbers_when_double_meets_int_literal(String source, boolean expected) {
        // given a double confidence and an int literal (or the other way round)
        Cel.Condition condition = CEL.compile(source);

        // when / then
        assertThat(condition.test(variables())).isEqualTo(expected);
    }

    @Test
    void should_raise_condition_exception_suggesting_has_when_key_is_missing() {
        // given a condition that reads a field the event lacks
        Cel.Condition condition = CEL.compile("event.data.channel == 'mail'");

        // when / then
        assertThatThrownBy(() -> condition.test(variables()))
                .isInstanceOf(Cel.ConditionException.class)
                .hasMessageContaining("Condition 'event.data.channel == 'mail'' failed")
                .hasMessageContaining("key 'channel' is not present in map")
                .hasMessageNotContaining("..")
                .hasMessageContaining("Guard optional fields with has()");
    }

    @Test
    void should_raise_condition_exception_when_condition_gives_a_value_that_is_not_boolean() {
        // given a condition that passes the type check (event fields are dynamic) but yields text
        Cel.Condition condition = CEL.compile("event.data.priority");

        // when / then
        assertThatThrownBy(() -> condition.test(variables()))
                .isInstanceOf(Cel.ConditionException.class)
                .hasMessageContaining("expected true or false");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "event.data.priority ==           | column 23: mismatched input",
            "event.data.priority = 'urgent'   | column 21",
            "2.5                              | bool",
            "1 + 1                            | bool",
            "ticket.priority == 'urgent'      | ticket",
            "event.data.x.upper()             | upper",
            "has(event)                       | has"
    })
    void should_reject_condition_when_it_does_not_compile(String source, String message) {
        // given an expression that is not valid CEL, not boolean, reads something unknown or misuses a macro

        // when / then
        assertThatThrownBy(() -> CEL.compile(source))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message)
                .hasMessageNotContaining("\n");
    }

    @Test
    void should_fail_instead_of_running_unbounded_when_comprehension_exceeds_iteration_limit() {
        // given a list of 200 items, and a nested comprehension over it: 40,000 iterations, more than the 10,000 allowed
        List<Long> items = Collections.nCopies(200, 1L);
        Map<String, Object> variables = Map.of("event", Map.of("data", Map.of("items", items)), "steps", Map.of());
        Cel.Condition nested = CEL.compile("event.data.items.all(x, event.data.items.all(y, x == y))");

        // when / then
        assertThatThrownBy(() -> nested.test(variables))
                .isInstanceOf(Cel.ConditionException.class)
                .hasMessageContaining("Iteration budget exceeded")
                .hasMessageContaining("at most 10000 times")
                .hasMessageNotContaining("has()");
    }

    @Test
    void should_fail_when_single_comprehension_exceeds_iteration_limit() {
        // given 20,000 items: one pass already iterates more than 10,000 times
        List<Long> items = Collections.nCopies(20_000, 1L);
        Map<String, Object> variables = Map.of("event", Map.of("data", Map.of("items", items)), "steps", Map.of());
        Cel.Condition condition = CEL.compile("event.data.items.all(x, x == 1)");

        // when / then
        assertThatThrownBy(() -> condition.test(variables))
                .isInstanceOf(Cel.ConditionException.class)
                .hasMessageContaining("Iteration budget exceeded");
    }

    @Test
    void should_evaluate_comprehension_when_within_iteration_limit() {
        // given 5,000 items
        List<Long> items = Collections.nCopies(5_000, 1L);
        Map<String, Object> variables = Map.of("event", Map.of("data", Map.of("items", items)), "steps", Map.of());

        // when / then
        assertThat(CEL.compile("event.data.items.all(x, x == 1)").test(variables)).isTrue();
    }

    @Test
    void should_treat_event_values_as_strings_when_they_contain_cel_syntax() {
        // given event values that are themselves CEL expressions
        Map<String, Object> variables = Map.of(
                "event", Map.of("data", Map.of(
                        "subject", "true || steps.triage.label == 'x'",
                        "priority", "event.data.priority")),
                "steps", Map.of());

        // when
        boolean equalsItsText = CEL.compile("event.data.subject == \"true || steps.triage.label == 'x'\"").test(variables);
        boolean isTrue = CEL.compile("event.data.subject == 'true'").test(variables);
        boolean priorityIsItsName = CEL.compile("event.data.priority == 'event.data.priority'").test(variables);

        // then they are compared as text, never evaluated
        assertThat(equalsItsText).isTrue();
        assertThat(isTrue).isFalse();
        assertThat(priorityIsItsName).isTrue();
    }
}
