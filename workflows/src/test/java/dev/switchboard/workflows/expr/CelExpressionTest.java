package dev.switchboard.workflows.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class CelExpressionTest {

    @Test
    void should_give_domain_when_key_splits_an_email() {
        // given
        CelExpression key = CelExpression.overEvent("event.data.requester.email.lowerAscii().split('@')[1]");

        // when
        Object value = key.evaluate(Map.of("event", Map.of("data", Map.of("requester", Map.of("email", "Jane@Acme.COM")))));

        // then
        assertThat(value).isEqualTo("acme.com");
    }

    @Test
    void should_hold_when_window_condition_compares_count_and_sum() {
        // given
        CelExpression condition = CelExpression.windowCondition("count >= 3 && sum > 100.0 && key != ''");

        // when / then
        assertThat(condition.test(Map.of("key", "acme", "count", 3L, "sum", 150.0, "min", 1.0, "max", 90.0))).isTrue();
        assertThat(condition.test(Map.of("key", "acme", "count", 2L, "sum", 150.0, "min", 1.0, "max", 90.0))).isFalse();
    }

    @Test
    void should_refuse_condition_when_it_reads_the_event() {
        assertThatThrownBy(() -> CelExpression.windowCondition("event.data.priority == 'high'"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("undeclared reference to 'event'");
    }
}
