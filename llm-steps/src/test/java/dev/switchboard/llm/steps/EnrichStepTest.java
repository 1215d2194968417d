package dev.switchboard.llm.steps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepOutcome;
import dev.switchboard.schemas.testing.StepTestKit;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The enrich step with a file source: its checks, and a record looked up by a key taken from an earlier step. */
class EnrichStepTest {

    @TempDir
    Path dir;

    private StepTestKit.Environment environment;

    @BeforeEach
    void files() throws Exception {
        Files.createDirectories(dir.resolve("data"));
        Files.writeString(dir.resolve("data/companies.csv"), "domain,name,tier\nacme.com,Acme,gold\n");
        environment = StepTestKit.environment().withBaseDir(dir);
    }

    @Test
    void should_add_the_record_found_to_the_earlier_output_when_the_key_matches() {
        // given
        Step step = StepTestKit.create(new EnrichStepFactory(), "account", """
                from: contact
                lookups:
                  company:
                    file: data/companies.csv
                    key_column: domain
                    key: "{{ steps.contact.domain }}"
                """, environment);

        // when
        List<StepOutcome> outcomes = step.run(List.of(
                StepTestKit.invocation().step("contact", Map.of("domain", "ACME.com")).build(),
                StepTestKit.invocation().step("contact", Map.of("domain", "globex.com")).build()));

        // then keys compare without case, and a missing record is null, not a failure, when not required
        assertThat(((StepOutcome.Completed) outcomes.get(0)).output()).containsEntry("domain", "ACME.com")
                .containsEntry("matched", List.of("company"))
                .extractingByKey("company").isEqualTo(Map.of("domain", "acme.com", "name", "Acme", "tier", "gold"));
        assertThat(((StepOutcome.Completed) outcomes.get(1)).output()).containsEntry("company", null).containsEntry("matched", List.of());
    }

    @Test
    void should_report_each_lookup_that_cannot_be_read_at_its_path() {
        assertThat(StepTestKit.check(new EnrichStepFactory(), """
                lookups:
                  company:
                    file: data/companies.csv
                    key: x
                  owner:
                    file: data/owners.csv
                    key_column: email
                    key: x
                """, environment)).extracting(problem -> problem.path() + " | " + problem)
                .containsExactly(
                        "lookups.company | Missing key_column at lookups.company: a file lookup needs the column its key is compared with, e.g. key_column: domain",
                        "lookups.owner.file | Unreadable lookup file at lookups.owner.file: got 'data/owners.csv', expected a CSV, JSON or JSON Lines file relative to the workflow file. Reading it failed: "
                                + "there is no such file");
    }
}
