package dev.switchboard.workflows.steps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.schemas.spi.CrmLookup;
import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepOutcome;
import dev.switchboard.schemas.testing.StepTestKit;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class CrmLookupStepTest {

    private static final CrmLookup TABLES = (entity, by, key) -> {
        if (key.equals("down")) {
            throw new CrmLookup.UnavailableException("rebalancing");
        }
        return key.equals("jane@acme.com") ? Optional.of(Map.of("id", "c1", "email", "jane@acme.com")) : Optional.empty();
    };

    private static StepTestKit.Environment environment(CrmLookup tables) {
        return tables == null ? StepTestKit.environment() : StepTestKit.environment().withService(tables);
    }

    private static List<StepOutcome> run(CrmLookup tables, boolean required, String... keys) {
        Step step = StepTestKit.create(new CrmLookupStepFactory(), "contact", """
                entity: contact
                by: email
                key: "{{ event.data.requester.email }}"
                required: %s
                """.formatted(required), environment(tables));
        return step.run(Arrays.stream(keys)
                .map(key -> StepTestKit.invocation().stepId("contact").data("requester", Map.of("email", key)).build()).toList());
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
        assertThat(StepTestKit.check(new CrmLookupStepFactory(), "entity: deal\nby: email\nkey: x", environment(TABLES)))
                .singleElement().asString().startsWith("Unknown index at by: got 'email'");
    }

    @Test
    void should_look_up_by_id_when_the_index_is_not_written() {
        // given the declared default index, id
        List<String> asked = new java.util.ArrayList<>();
        CrmLookup tables = (entity, by, key) -> {
            asked.add(entity + "." + by + "=" + key);
            return Optional.of(Map.of("name", "Acme"));
        };
        Step step = StepTestKit.create(new CrmLookupStepFactory(), "account", "entity: company\nkey: \"{{ event.data.company_id }}\"",
                environment(tables));

        // when
        StepOutcome outcome = StepTestKit.run(step, StepTestKit.invocation().data("company_id", "co-7").build());

        // then the row key stands in for an id the record does not carry
        assertThat(asked).containsExactly("company.id=co-7");
        assertThat(((StepOutcome.Completed) outcome).output()).containsEntry("id", "co-7");
    }
}
