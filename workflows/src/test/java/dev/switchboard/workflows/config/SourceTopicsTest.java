package dev.switchboard.workflows.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.schemas.Problem;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** No source writes a topic the engine keeps for itself: what a source takes in is anyone's to send. */
class SourceTopicsTest {

    private static final EngineConfigLoader LOADER = EngineConfigLoader.standard(name ->
            Optional.ofNullable(Map.of("EVENTS_SECRET", "whsec_c2VjcmV0LXZhbHVlLW9mLTMyLWJ5dGVzLWxvbmc=").get(name)));

    private static EngineConfigLoader.Result source(String topic, String topics) {
        return LOADER.parse("switchboard.yaml", topics + """
                sources:
                  internal-events:
                    cloudevents:
                      topic: %s
                      auth:
                        secret_env: EVENTS_SECRET
                """.formatted(topic), Path.of("."));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"switchboard.review.decisions", "switchboard.review", "switchboard.tasks"})
    void should_refuse_a_source_that_writes_an_internal_topic_when_the_topics_are_the_defaults(String topic) {
        // when
        EngineConfigLoader.Result result = source(topic, "");

        // then
        assertThat(result.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.path()).isEqualTo("sources.internal-events.cloudevents.topic");
            assertThat(problem.message()).startsWith("Internal topic at sources.internal-events.cloudevents.topic: got '" + topic
                    + "', expected a topic of events");
        });
    }

    @Test
    void should_refuse_a_source_that_writes_the_configured_decisions_topic() {
        // when
        EngineConfigLoader.Result result = source("acme.decisions", """
                topics:
                  decisions: acme.decisions
                """);

        // then
        assertThat(result.problems()).extracting(Problem::message).singleElement().asString().contains("got 'acme.decisions'");
    }

    @Test
    void should_load_a_source_that_writes_events() {
        assertThat(source("switchboard.events", "").problems()).isEmpty();
    }
}
