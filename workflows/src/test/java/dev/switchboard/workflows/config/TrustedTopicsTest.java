package dev.switchboard.workflows.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.schemas.Problem;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 16: the CRM tables were built from any {@code crm.*} event on the events topic, where webhook
 * sources publish, so a webhook sender could overwrite or delete CRM records. Trusted state is now
 * read from a topic only change-data-capture sources may write. Nor may a source write a topic of
 * the engine's own: a sender could then pose as a stage, or decide a review.
 */
class TrustedTopicsTest {

    private static final EngineConfigLoader LOADER = EngineConfigLoader.standard(name ->
            Optional.ofNullable(Map.of("EVENTS_SECRET", "whsec_c2VjcmV0", "CRM_DB_PASSWORD", "pw").get(name)));

    @Test
    void should_build_the_crm_tables_from_the_cdc_topic_when_no_topics_are_given() {
        // when
        EngineConfigLoader.Result result = parse("""
                kafka:
                  streams:
                    crm: {}
                """);

        // then
        assertThat(result.problems()).isEmpty();
        assertThat(result.config().kafka().streams().crm().topics()).containsExactly("switchboard.cdc");
    }

    @Test
    void should_refuse_a_webhook_source_when_it_publishes_to_the_topic_the_crm_tables_read() {
        // when
        EngineConfigLoader.Result result = parse("""
                kafka:
                  streams:
                    crm: {topics: [crm.changes]}
                sources:
                  events:
                    cloudevents:
                      topic: crm.changes
                      auth: {secret_env: EVENTS_SECRET}
                """);

        // then
        assertThat(result.problems()).singleElement().extracting(Problem::message).asString()
                .contains("Change-data-capture topic at sources.events.cloudevents.topic: got 'crm.changes'", "only change-data-capture sources write");
    }

    @Test
    void should_refuse_a_webhook_source_when_it_publishes_to_the_default_cdc_topic_or_an_engine_topic() {
        // when
        EngineConfigLoader.Result cdc = parse("""
                sources:
                  events:
                    cloudevents:
                      topic: switchboard.cdc
                      auth: {secret_env: EVENTS_SECRET}
                """);
        EngineConfigLoader.Result tasks = parse("""
                sources:
                  events:
                    cloudevents:
                      topic: switchboard.tasks
                      auth: {secret_env: EVENTS_SECRET}
                """);

        // then
        assertThat(cdc.problems()).singleElement().extracting(Problem::message).asString().contains("got 'switchboard.cdc'");
        assertThat(tasks.problems()).singleElement().extracting(Problem::message).asString()
                .contains("Engine topic at sources.events.cloudevents.topic: got 'switchboard.tasks'");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"switchboard.review.decisions", "switchboard.review", "switchboard.dlq", "switchboard.trace"})
    void should_refuse_a_webhook_source_when_it_publishes_to_an_engine_topic_of_the_defaults(String topic) {
        // when
        EngineConfigLoader.Result result = parse("""
                sources:
                  events:
                    cloudevents:
                      topic: %s
                      auth: {secret_env: EVENTS_SECRET}
                """.formatted(topic));

        // then
        assertThat(result.problems()).singleElement().satisfies(problem -> {
            assertThat(problem.path()).isEqualTo("sources.events.cloudevents.topic");
            assertThat(problem.message()).startsWith("Engine topic at sources.events.cloudevents.topic: got '" + topic + "'");
        });
    }

    @Test
    void should_refuse_a_webhook_source_when_it_publishes_to_the_configured_decisions_topic() {
        // when
        EngineConfigLoader.Result result = parse("""
                topics:
                  decisions: acme.decisions
                sources:
                  events:
                    cloudevents:
                      topic: acme.decisions
                      auth: {secret_env: EVENTS_SECRET}
                """);

        // then
        assertThat(result.problems()).singleElement().extracting(Problem::message).asString()
                .contains("Engine topic at sources.events.cloudevents.topic: got 'acme.decisions'");
    }

    @Test
    void should_load_a_webhook_source_when_it_publishes_to_the_events_topic() {
        // when
        EngineConfigLoader.Result result = parse("""
                sources:
                  events:
                    cloudevents:
                      topic: switchboard.events
                      auth: {secret_env: EVENTS_SECRET}
                """);

        // then
        assertThat(result.problems()).isEmpty();
    }

    @Test
    void should_let_a_cdc_source_publish_to_the_cdc_topic_by_default() {
        // when
        EngineConfigLoader.Result result = parse("""
                kafka:
                  streams:
                    crm: {}
                sources:
                  crm-database:
                    debezium-postgres:
                      hostname: crm-db.internal
                      database: crm
                      user: switchboard_cdc
                      password_env: CRM_DB_PASSWORD
                      tables:
                        public.contacts: {entity: contact}
                """);

        // then
        assertThat(result.problems()).isEmpty();
    }

    private static EngineConfigLoader.Result parse(String yaml) {
        return LOADER.parse("switchboard.yaml", yaml, Path.of("."));
    }
}
