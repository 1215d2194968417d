package dev.switchboard.workflows.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.schemas.Problem;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Sinks in switchboard.yaml: the engine's outbound section reaches their checks, secrets stay names. */
class SinkConfigTest {

    private static final EngineConfigLoader LOADER = EngineConfigLoader.standard(name ->
            Optional.ofNullable(Map.of("HUBSPOT_TOKEN", "pat-na1-secret-value").get(name)));

    @Test
    void should_load_camel_sink_when_its_scheme_is_in_outbound_camel_schemes() {
        // when
        EngineConfigLoader.Result result = parse("""
                outbound:
                  camel_schemes: [kafka]
                sinks:
                  audit-copy:
                    camel:
                      uri: kafka:tasks-copy
                """);

        // then
        assertThat(result.problems()).isEmpty();
        assertThat(result.config().sinks()).containsKey("audit-copy");
    }

    @Test
    void should_suggest_the_nearest_sink_type_then_list_the_installed_ones_when_the_type_is_misspelt() {
        // when
        EngineConfigLoader.Result result = parse("""
                sinks:
                  queue:
                    jsonll:
                      path: tasks.jsonl
                """);

        // then the question ends the hint, and the list is a sentence of its own
        assertThat(result.problems()).singleElement().extracting(Problem::message).asString()
                .startsWith("Unknown sink type 'jsonll' at sinks.queue; did you mean 'jsonl'? Installed: ")
                .doesNotContain("?.");
    }

    @Test
    void should_list_the_installed_sink_types_in_a_sentence_when_none_is_near() {
        // when
        EngineConfigLoader.Result result = parse("""
                sinks:
                  queue:
                    carrier-pigeon: {}
                """);

        // then
        assertThat(result.problems()).singleElement().extracting(Problem::message).asString()
                .startsWith("Unknown sink type 'carrier-pigeon' at sinks.queue. Installed: ");
    }

    @Test
    void should_report_scheme_at_its_line_when_outbound_does_not_list_it() {
        // when
        EngineConfigLoader.Result result = parse("""
                sinks:
                  audit-copy:
                    camel:
                      uri: kafka:tasks-copy
                """);

        // then
        assertThat(result.problems()).singleElement().extracting(Problem::message).asString()
                .contains("at sinks.audit-copy.camel.uri is not in outbound.camel_schemes")
                .contains("Add 'kafka' to outbound.camel_schemes");
    }

    @Test
    void should_refuse_file_scheme_when_outbound_lists_it() {
        // when
        EngineConfigLoader.Result result = parse("""
                outbound:
                  camel_schemes: [file]
                sinks:
                  dump:
                    camel:
                      uri: file:/var/tmp/tasks
                """);

        // then
        assertThat(result.problems()).singleElement().extracting(Problem::message).asString()
                .startsWith("Refused Camel scheme 'file' at sinks.dump.camel.uri");
    }

    @Test
    void should_load_crm_sink_without_the_token_in_config_when_token_env_is_set() {
        // when
        EngineConfigLoader.Result result = parse("""
                outbound:
                  allowed_hosts: [api.hubapi.com]
                sinks:
                  hubspot-tasks:
                    hubspot:
                      token_env: HUBSPOT_TOKEN
                """);

        // then
        assertThat(result.problems()).isEmpty();
        assertThat(String.valueOf(result.config().sinks().get("hubspot-tasks").options())).doesNotContain("pat-na1-secret-value");
    }

    private static EngineConfigLoader.Result parse(String yaml) {
        return LOADER.parse("switchboard.yaml", yaml, Path.of("."));
    }
}
