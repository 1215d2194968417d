package dev.switchboard.workflows.steps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.schemas.ModelCall;
import dev.switchboard.schemas.spi.CrmLookup;
import dev.switchboard.schemas.spi.StepEnvironment;
import dev.switchboard.schemas.spi.StepInvocation;
import dev.switchboard.schemas.spi.StepOutcome;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class CrmLookupStepTest {

    private static final CrmLookup TABLES = (entity, by, key) -> {
        if (key.equals("down")) {
            throw new CrmLookup.UnavailableException("rebalancing");
        }
        return key.equals("jane@acme.com") ? Optional.of(Map.of("id", "c1", "email", "jane@acme.com")) : Optional.empty();
    };

    private static StepEnvironment environment(CrmLookup tables) {
        return new StepEnvironment() {
            @Override
            public Path baseDir() {
                return Path.of(".");
            }

            @Override
            public Set<String> sinkNames() {
                return Set.of();
            }

            @Override
            public <T> Optional<T> service(Class<T> type) {
                return tables != null && type.isInstance(tables) ? Optional.of(type.cast(tables)) : Optional.empty();
            }
        };
    }

    private static StepInvocation rendering(String key) {
        return new StepInvocation() {
            public String workflow() {
                return "wf";
            }

            public String stepId() {
                return "contact";
            }

            public String eventId() {
                return "e1";
            }

            public String eventType() {
                return "ticket.created";
            }

            public Map<String, Object> event() {
                return Map.of();
            }

            public String render(String template) {
                return key;
            }

            public List<ModelCall> calls() {
                return List.of();
            }

            public Object read(String path) {
                return null;
            }
        };
    }

    private static List<StepOutcome> run(CrmLookup tables, boolean required, String... keys) {
        CrmLookupStep.Options options = new CrmLookupStep.Options("contact", "email", "{{ event.data.requester.email }}", required);
        return new CrmLookupStep().create("contact", options, environment(tables))
                .run(java.util.Arrays.stream(keys).map(CrmLookupStepTest::rendering).toList());
    }

    @Test
    void should_output_found_id_and_record_when_key_is_in_the_tables() {
        // given / when
        List<StepOutcome> outcomes = run(TABLES, false, "jane@acme.com", "nobody@acme.com");

        // then
        assertThat(((StepOutcome.Completed) outcomes.get(0)).output())
                .containsEntry("found", true).containsEntry("id", "c1").containsKey("record");
        assertThat(((StepOutcome.Completed) outcomes.get(1)).output()).containsEntry("found", false).containsEntry("record", null);
    }

    @Test
    void should_fail_permanently_when_required_record_is_missing() {
        assertThat(run(TABLES, true, "nobody@acme.com").get(0)).isInstanceOfSatisfying(StepOutcome.Failed.class,
                failed -> assertThat(failed.retriable()).isFalse());
    }

    @Test
    void should_fail_retriably_when_tables_are_unavailable() {
        assertThat(run(TABLES, false, "down").get(0)).isInstanceOfSatisfying(StepOutcome.Failed.class,
                failed -> assertThat(failed.retriable()).isTrue());
    }

    @Test
    void should_fail_permanently_saying_how_to_fix_when_engine_keeps_no_tables() {
        assertThat(run(null, false, "jane@acme.com").get(0)).isInstanceOfSatisfying(StepOutcome.Failed.class,
                failed -> assertThat(failed.reason()).contains("kafka: { streams: { crm: {} } }"));
    }

    @Test
    void should_report_unknown_index_when_entity_has_none_by_that_key() {
        assertThat(new CrmLookupStep().check(new CrmLookupStep.Options("deal", "email", "x", null), environment(TABLES)))
                .singleElement().asString().startsWith("Unknown index at by: got 'email'");
    }
}
