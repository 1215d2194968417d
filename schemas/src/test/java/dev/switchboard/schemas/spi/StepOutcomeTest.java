package dev.switchboard.schemas.spi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.schemas.ModelCall;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StepOutcomeTest {

    private static final ModelCall CALL = new ModelCall("fast", "qwen2.5-7b-instruct", "pv-1", 10, 2, 12.5, 0.001, false, "ok");

    @Test
    void should_give_the_calls_made_when_asked_any_kind_of_outcome() {
        // given one outcome of each kind, each after the same call
        List<StepOutcome> outcomes = List.of(
                new StepOutcome.Completed(Map.of("label", "bug"), List.of(), List.of(CALL)),
                new StepOutcome.Failed("invalid answer", false, List.of(CALL)),
                new StepOutcome.Review("below min_confidence", List.of(), List.of(CALL)));

        // when / then no caller needs to know which kind it holds
        assertThat(outcomes).allSatisfy(outcome -> assertThat(outcome.calls()).containsExactly(CALL));
    }
}
