package dev.switchboard.llm.steps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.llm.spi.LookupSource;
import dev.switchboard.schemas.spi.StepOutcome;
import dev.switchboard.schemas.testing.StepTestKit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The enrich step's CRM source: a lookup that names a CRM table reads the engine's LookupSource service. */
class EnrichStepCrmTest {

    private static final String CRM_LOOKUP = """
            lookups:
              company:
                key: "{{ event.data.email }}"
                required: true
                crm: company.domain
            """;

    private final List<String> asked = new ArrayList<>();
    private final LookupSource tables = (kind, key) -> {
        asked.add(kind + ":" + key);
        return key.endsWith("acme.com") ? Optional.of(Map.of("id", "co1", "tier", "gold")) : Optional.empty();
    };

    @Test
    void should_read_the_crm_table_when_lookup_names_one() {
        // given
        var step = StepTestKit.create(new EnrichStepFactory(), "account", CRM_LOOKUP, StepTestKit.environment().withService(tables));

        // when
        List<StepOutcome> outcomes = step.run(List.of(
                StepTestKit.invocation().eventId("e1").data("email", "jane@acme.com").build(),
                StepTestKit.invocation().eventId("e2").data("email", "bob@globex.com").build()));

        // then the table is asked by its kind, the found record is in the output, the missing one fails the event
        assertThat(asked).containsExactly("company.domain:jane@acme.com", "company.domain:bob@globex.com");
        assertThat(((StepOutcome.Completed) outcomes.get(0)).output().get("company")).isEqualTo(Map.of("id", "co1", "tier", "gold"));
        assertThat(outcomes.get(1)).isInstanceOfSatisfying(StepOutcome.Failed.class,
                failed -> assertThat(failed.reason()).contains("the CRM table company.domain"));
    }

    @Test
    void should_report_the_problem_when_lookup_names_both_a_file_and_a_table() {
        // when / then
        assertThat(StepTestKit.check(new EnrichStepFactory(), """
                lookups:
                  company:
                    file: data/companies.csv
                    key_column: domain
                    key: "{{ event.data.email }}"
                    crm: company.domain
                """, StepTestKit.environment().withService(tables)))
                .singleElement().asString()
                .startsWith("Expected exactly one of file and crm at lookups.company");
    }
}
