package dev.switchboard.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ModelDefinitionTest {

    @Test
    void should_apply_the_declared_defaults_when_built_in_code() {
        // when
        ModelDefinition definition = ModelDefinition.builder().baseUrl("http://127.0.0.1:8000/v1").model("m").build();

        // then every option with a declared default is set, as the engine configuration binds it
        assertThat(definition.provider()).isEqualTo("openai");
        assertThat(definition.timeoutSeconds()).isEqualTo(30);
        assertThat(definition.maxTokens()).isEqualTo(256);
        assertThat(definition.temperature()).isZero();
        assertThat(definition.maxConcurrency()).isEqualTo(8);
        assertThat(definition.retries()).isEqualTo(2);
        assertThat(definition.maxRetryWaitSeconds()).isEqualTo(10);
        assertThat(definition.circuitFailureThreshold()).isEqualTo(5);
        assertThat(definition.circuitOpenSeconds()).isEqualTo(30);
        assertThat(definition.cost(1_000_000, 1_000_000, 1000)).isZero();
        // and an option without one stays unset
        assertThat(definition.requestsPerMinute()).isNull();
    }

    @Test
    void should_cost_tokens_and_call_time_at_the_given_prices() {
        ModelDefinition definition = ModelDefinition.builder().model("m").prices(1.0, 2.0).pricePerSecond(0.5).build();

        assertThat(definition.cost(1_000_000, 500_000, 2000)).isEqualTo(1.0 + 1.0 + 1.0);
    }

    @Test
    void should_refuse_a_value_out_of_its_bounds_when_built_in_code() {
        assertThatThrownBy(() -> ModelDefinition.builder().model("m").timeoutSeconds(0).build())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timeout_seconds");
    }

    @Test
    void should_be_in_process_when_it_is_the_embedded_model() {
        assertThat(ModelDefinition.embedded().provider()).isEqualTo("embedded");
        assertThat(ModelDefinition.embedded().model()).isEqualTo("all-MiniLM-L6-v2");
    }
}
