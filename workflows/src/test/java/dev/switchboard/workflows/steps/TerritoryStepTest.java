package dev.switchboard.workflows.steps;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepOutcome;
import dev.switchboard.schemas.testing.StepTestKit;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Routing by the example territories file (workflows/examples/data/territories.yaml): named accounts, territories, the fallback. */
class TerritoryStepTest {

    private static final String OPTIONS = """
            rules: data/territories.yaml
            country: "{{ steps.company.record.country | default: '' }}"
            employees: "{{ steps.company.record.employees | default: '' }}"
            named_account: "{{ steps.company.record.named_account | default: 'false' }}"
            account_owner: "{{ steps.company.record.owner_id | default: '' }}"
            """;

    @TempDir
    Path dir;

    private Map<String, Object> route(Map<String, Object> company) {
        Step step = StepTestKit.create(new TerritoryStepFactory(), "route", OPTIONS, StepTestKit.environment().withBaseDir(Path.of("examples")));
        Map<String, Object> lookup = new HashMap<>();
        lookup.put("record", company);
        StepOutcome outcome = StepTestKit.run(step, StepTestKit.invocation().step("company", lookup).build());
        assertThat(outcome).isInstanceOf(StepOutcome.Completed.class);
        return ((StepOutcome.Completed) outcome).output();
    }

    @Test
    void should_give_the_territory_owner_of_the_region_and_segment_when_the_account_is_not_named() {
        // when a UK company of 160 people, whose record names another owner
        Map<String, Object> routed = route(Map.of("country", "GB", "employees", 160, "named_account", false, "owner_id", "owner-klund"));

        // then
        assertThat(routed).containsEntry("owner", "owner-sokafor").containsEntry("owner_name", "Samuel Okafor")
                .containsEntry("owner_email", "samuel.okafor@northwind.example.com").containsEntry("routing", "territory UK/mid_market")
                .containsEntry("region", "UK").containsEntry("segment", "mid_market");
    }

    @Test
    void should_give_the_account_owner_when_the_account_is_named() {
        // when
        Map<String, Object> routed = route(Map.of("country", "US", "employees", 2400, "named_account", true, "owner_id", "owner-klund"));

        // then
        assertThat(routed).containsEntry("owner", "owner-klund").containsEntry("routing", "named account");
    }

    @Test
    void should_give_the_fallback_owner_when_no_region_or_segment_takes_the_account() {
        // when a lead without a CRM company, and a company in a country no region holds
        Map<String, Object> unknown = route(null);
        Map<String, Object> elsewhere = route(Map.of("country", "JP", "employees", 40));

        // then
        assertThat(unknown).containsEntry("owner", "owner-inbound-sdr").containsEntry("routing", "fallback")
                .containsEntry("region", "").containsEntry("segment", "");
        assertThat(elsewhere).containsEntry("owner", "owner-inbound-sdr").containsEntry("segment", "smb");
    }

    @Test
    void should_report_every_problem_of_a_territories_file_when_its_rules_name_what_it_does_not_define() throws IOException {
        // given
        Files.writeString(dir.resolve("territories.yaml"), """
                segments: {smb: {min_employees: 1, max_employees: 49}}
                regions: {NA: {countries: [US]}}
                owners: {owner-a: {name: A}}
                territories:
                  - {region: NA, segment: enterprise, owner: owner-a}
                fallback: owner-z
                """);

        // when
        var problems = StepTestKit.check(new TerritoryStepFactory(), OPTIONS.replace("data/territories.yaml", "territories.yaml"),
                StepTestKit.environment().withBaseDir(dir));

        // then
        assertThat(problems).extracting(Object::toString).containsExactly("Invalid territories file at rules: got 'territories.yaml', "
                + "expected segments, regions, owners, territories and fallback. Found: territories[0]: expected a region of regions, "
                + "a segment of segments and an owner of owners, got NA/enterprise -> owner-a; fallback: expected an owner of owners, got owner-z");
    }
}
