package dev.switchboard.schemas.options;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OptionValuesTest {

    record Endpoint(
            @Option(description = "Base URL.", required = true) @JsonProperty("base_url") String baseUrl,
            @Option(description = "Timeout.", defaultValue = "30", minimum = 1) @JsonProperty("timeout_seconds") Integer timeoutSeconds,
            @Option(description = "Temperature.", defaultValue = "0") Double temperature,
            @Option(description = "Tags.") List<String> tags) {
    }

    @Test
    void should_apply_declared_defaults_when_built_from_a_map() {
        // given a value left null, as a builder leaves what it was not told
        Map<String, Object> values = new HashMap<>();
        values.put("base_url", "http://127.0.0.1:8000/v1");
        values.put("temperature", 0.5);
        values.put("timeout_seconds", null);
        values.put("tags", List.of("a"));

        // when
        Endpoint endpoint = OptionValues.fromMap(Endpoint.class, values);

        // then
        assertThat(endpoint).isEqualTo(new Endpoint("http://127.0.0.1:8000/v1", 30, 0.5, List.of("a")));
    }

    @Test
    void should_refuse_values_the_binder_refuses_when_built_from_a_map() {
        assertThatThrownBy(() -> OptionValues.fromMap(Endpoint.class, Map.of("base_url", "x", "timeout_seconds", 0)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Out of range at options.timeout_seconds: got '0', expected at least 1");
    }
}
