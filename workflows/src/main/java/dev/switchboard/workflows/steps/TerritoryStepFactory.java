package dev.switchboard.workflows.steps;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.schemas.files.FileErrors;
import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.options.Example;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.options.OptionProblem;
import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepEnvironment;
import dev.switchboard.schemas.spi.StepFactory;
import dev.switchboard.schemas.types.ValueType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Makes {@link TerritoryStep}s: their options (the territories file and the account's values) and the check
 * that the file is a territories file whose every rule names a known region, segment and owner.
 */
public final class TerritoryStepFactory implements StepFactory<TerritoryStepFactory.Options> {

    @Documentation(name = "territory", summary = "Picks the owner of a lead or account by a territories file: a named account's owner, else the territory of its region and segment, else the fallback.",
            description = """
                    Output: `owner` (an owner id of the file), `owner_name`, `owner_email`, `routing` (`named account`, \
                    `territory <region>/<segment>` or `fallback`), `region` and `segment` (empty when not found). The \
                    region is the one whose `countries` hold `country`; the segment the one whose `min_employees` and \
                    `max_employees` hold `employees`. When `named_account` renders `true` and `account_owner` renders an \
                    owner, that owner takes it whatever the territory. A country no region holds, or a head count no \
                    segment holds (or none), goes to the `fallback` owner. The file is YAML: `segments`, `regions`, \
                    `owners`, `territories` (a list of `region`, `segment`, `owner`) and `fallback`; it is read and \
                    checked when the workflow loads. No model is called.""")
    @Example(title = "Route a lead by its CRM company", yaml = """
            id: route
            territory:
              rules: data/territories.yaml
              country: "{{ steps.company.record.country | default: '' }}"
              employees: "{{ steps.company.record.employees | default: '' }}"
              named_account: "{{ steps.company.record.named_account | default: 'false' }}"
              account_owner: "{{ steps.company.record.owner_id | default: '' }}"
            """)
    public record Options(
            @Option(description = "The territories file (YAML), relative to the workflow file.", required = true, file = true)
            String rules,
            @Option(description = "The account's country (ISO 3166 code such as `US`): a template.", required = true, template = true)
            String country,
            @Option(description = "The account's head count: a template that renders a whole number, or nothing.", required = true, template = true)
            String employees,
            @Option(description = "Whether the account is a named account (`true`), whose owner keeps its leads: a template.", template = true)
            @JsonProperty("named_account") String namedAccount,
            @Option(description = "The named account's owner (an owner id of the file): a template.", template = true)
            @JsonProperty("account_owner") String accountOwner) {
    }

    @Override
    public List<OptionProblem> check(Options options, StepEnvironment environment) {
        try {
            Territories.read(environment.baseDir().resolve(options.rules()));
            return List.of();
        } catch (IOException e) {
            return List.of(OptionProblem.at("rules", "Unreadable territories file").got(Path.of(options.rules()).getFileName())
                    .expected("a YAML file relative to the workflow file").fix("Reading it failed: " + FileErrors.describe(e)));
        } catch (Territories.InvalidTerritories e) {
            return List.of(OptionProblem.at("rules", "Invalid territories file").got(Path.of(options.rules()).getFileName())
                    .expected("segments, regions, owners, territories and fallback").fix("Found: " + e.getMessage()));
        }
    }

    @Override
    public ValueType outputs(Options options, StepEnvironment environment) {
        Map<String, ValueType> fields = new LinkedHashMap<>();
        for (String field : List.of("owner", "owner_name", "owner_email", "routing", "region", "segment")) {
            fields.put(field, ValueType.text());
        }
        return ValueType.object(fields);
    }

    @Override
    public Step create(String stepId, Options options, StepEnvironment environment) {
        try {
            return new TerritoryStep(options, Territories.read(environment.baseDir().resolve(options.rules())));
        } catch (IOException | Territories.InvalidTerritories e) {
            throw new IllegalStateException("Cannot read territories file " + Path.of(options.rules()).getFileName() + ": "
                    + (e instanceof IOException io ? FileErrors.describe(io) : e.getMessage()), e);
        }
    }
}
