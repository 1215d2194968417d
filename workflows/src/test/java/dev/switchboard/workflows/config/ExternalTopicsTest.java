package dev.switchboard.workflows.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.switchboard.llm.ModelRegistry;
import dev.switchboard.schemas.Problem;
import dev.switchboard.workflows.model.StepTypes;
import dev.switchboard.workflows.model.WorkflowLoader;
import dev.switchboard.workflows.runtime.EngineStepEnvironment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Workflows and stages that read a topic sources from outside write are warned that its data is untrusted. */
class ExternalTopicsTest {

    @TempDir
    Path dir;

    private final EngineConfigLoader loader = EngineConfigLoader.standard(name -> Optional.of("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"));

    private static final String SOURCES = """
            sources:
              tickets:
                zendesk:
                  auth: {secret_env: ZENDESK_SECRET}
              events:
                cloudevents:
                  topic: partner.events
                  auth: {secret_env: EVENTS_TOKEN}
              crm:
                debezium-postgres:
                  hostname: crm-db.internal
                  database: crm
                  user: cdc
                  password_env: CRM_PASSWORD
                  topic: switchboard.cdc
                  tables:
                    public.contacts: {entity: contact}
            """;

    @Test
    void should_name_the_topics_external_sources_write_and_what_dedup_derives_from_them() {
        // when
        EngineConfigLoader.Result result = loader.parse("switchboard.yaml", SOURCES + """
                kafka:
                  streams:
                    dedup: {}
                """, dir);

        // then the change-data-capture topic is not among them
        assertThat(result.problems()).isEmpty();
        assertThat(result.config().externalTopics().writers()).isEqualTo(Map.of(
                "partner.events", List.of("source 'events' (cloudevents)"),
                "switchboard.events", List.of("source 'tickets' (zendesk)"),
                "switchboard.events.unique", List.of("the dedup stage (from switchboard.events)")));
    }

    @Test
    void should_warn_when_the_crm_tables_read_what_the_dedup_stage_derives_from_a_topic_written_from_outside() {
        // when the CRM tables read the dedup stage's output, whose input the zendesk source writes
        EngineConfigLoader.Result result = loader.parse("switchboard.yaml", SOURCES + """
                kafka:
                  streams:
                    dedup: {}
                    crm: {topics: [switchboard.events.unique]}
                """, dir);

        // then
        assertThat(result.problems()).isEmpty();
        assertThat(result.warnings()).extracting(Problem::line, Problem::message).containsExactly(tuple(21,
                "Topic written from outside at kafka.streams.crm.topics: got 'switchboard.events.unique', which the dedup stage "
                        + "(from switchboard.events) writes with events from outside. The CRM tables are state that crm.lookup and enrich "
                        + "trust, and every crm.* event on that topic changes them. Build them from a topic that only change-data-capture "
                        + "sources write"));
    }

    @Test
    void should_refuse_rather_than_warn_when_a_source_from_outside_writes_a_topic_the_crm_tables_read() {
        // when the CRM tables read the topic the zendesk source writes
        EngineConfigLoader.Result result = loader.parse("switchboard.yaml", SOURCES + """
                kafka:
                  streams:
                    crm: {topics: [switchboard.events]}
                """, dir);

        // then the source is refused, and there is no warning beside the error
        assertThat(result.problems()).extracting(Problem::message).singleElement().asString()
                .startsWith("Change-data-capture topic at sources.tickets.zendesk.topic: got 'switchboard.events'");
        assertThat(result.warnings()).isEmpty();
    }

    @Test
    void should_not_warn_when_the_crm_tables_read_the_change_data_capture_topic() {
        // when
        EngineConfigLoader.Result result = loader.parse("switchboard.yaml", SOURCES + """
                kafka:
                  streams:
                    crm: {topics: [switchboard.cdc]}
                """, dir);

        // then
        assertThat(result.problems()).isEmpty();
        assertThat(result.warnings()).isEmpty();
    }

    @Test
    void should_warn_a_workflow_that_reads_a_topic_written_from_outside() throws Exception {
        // given
        EngineConfigLoader.Result config = loader.parse("switchboard.yaml", SOURCES, dir);
        Path trusted = Files.writeString(dir.resolve("leads.yaml"), workflow("leads", "switchboard.cdc", "crm.lead.created", "lead_id"));
        Path untrusted = Files.writeString(dir.resolve("tickets.yaml"), workflow("tickets", null, "ticket.created", "subject"));

        // when
        try (ModelRegistry models = new ModelRegistry(Map.of())) {
            WorkflowLoader workflows = new WorkflowLoader(StepTypes.installed(), folder -> new EngineStepEnvironment(config.config(), models));
            WorkflowLoader.Result fromCdc = workflows.load(trusted);
            WorkflowLoader.Result fromOutside = workflows.load(untrusted);

            // then it loads, with a warning at on (the topic is the default) that the data is untrusted
            assertThat(fromCdc.warnings()).isEmpty();
            assertThat(fromOutside.problems()).isEmpty();
            assertThat(fromOutside.warnings()).extracting(Problem::line, Problem::message).containsExactly(tuple(3,
                    "Topic written from outside at on.topic: got 'switchboard.events', which source 'tickets' (zendesk) writes with events "
                            + "from outside. Its data is untrusted: whoever can send to that source can start this workflow with any event "
                            + "of its types and any data. Read the data as text, not as a decision about where tasks go"));
        }
    }

    private static String workflow(String name, String topic, String type, String field) {
        return "name: " + name + "\non:\n" + (topic == null ? "" : "  topic: " + topic + "\n") + "  types: [" + type + "]\n" + """
                steps:
                  - id: note
                    crm.lookup:
                      entity: contact
                      key: "{{ event.data.%s }}"
                """.formatted(field);
    }
}
