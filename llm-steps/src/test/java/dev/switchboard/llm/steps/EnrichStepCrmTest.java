package dev.switchboard.llm.steps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.llm.spi.LookupSource;
import dev.switchboard.schemas.spi.StepEnvironment;
import dev.switchboard.schemas.spi.StepOutcome;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The enrich step's CRM source: a lookup that names a CRM table reads the engine's LookupSource service. */
class EnrichStepCrmTest {

    private final List<String> asked = new ArrayList<>();
    private final LookupSource tables = (kind, key) -> {
        asked.add(kind + ":" + key);
        return key.endsWith("acme.com") ? Optional.of(Map.of("id", "co1", "tier", "gold")) : Optional.empty();
    };

    private StepEnvironment environment(LookupSource service) {
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
                return service != null && type.isInstance(service) ? Optional.of(type.cast(service)) : Optional.empty();
            }
        };
    }

    private static EnrichStep.Options options(boolean required) {
        return new EnrichStep.Options(null, Map.of("company", new EnrichStep.Lookup(null, null, "{{ event.data.email }}", required, "company.domain")));
    }

    @Test
    void should_read_the_crm_table_when_lookup_names_one() {
        // given
        EnrichStep factory = new EnrichStep();
        assertThat(factory.check(options(true), environment(tables))).isEmpty();

        // when
        List<StepOutcome> outcomes = factory.create("account", options(true), environment(tables))
                .run(List.of(TestInvocations.of("wf", "e1", "jane@acme.com"), TestInvocations.of("wf", "e2", "bob@globex.com")));

        // then the table is asked by its kind, the found record is in the output, the missing one fails the event
        assertThat(asked).containsExactly("company.domain:jane@acme.com", "company.domain:bob@globex.com");
        assertThat(((StepOutcome.Completed) outcomes.get(0)).output().get("company")).isEqualTo(Map.of("id", "co1", "tier", "gold"));
        assertThat(outcomes.get(1)).isInstanceOfSatisfying(StepOutcome.Failed.class,
                failed -> assertThat(failed.reason()).contains("the CRM table company.domain"));
    }

    @Test
    void should_report_the_problem_when_lookup_names_both_a_file_and_a_table() {
        // given
        EnrichStep.Options both = new EnrichStep.Options(null,
                Map.of("company", new EnrichStep.Lookup("data/companies.csv", "domain", "{{ event.data.email }}", false, "company.domain")));

        // when / then
        assertThat(new EnrichStep().check(both, environment(tables))).singleElement().asString()
                .startsWith("Expected exactly one of file and crm at lookups.company");
    }
}
