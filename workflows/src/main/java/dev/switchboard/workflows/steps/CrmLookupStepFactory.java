package dev.switchboard.workflows.steps;

import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.options.Example;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.options.OptionProblem;
import dev.switchboard.schemas.spi.CrmLookup;
import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepEnvironment;
import dev.switchboard.schemas.spi.StepFactory;
import dev.switchboard.schemas.types.ValueType;
import java.util.List;
import java.util.Map;

/**
 * Makes {@link CrmLookupStep}s: their options (entity, index, key), examples and the check that the entity
 * has the index looked up by.
 */
public final class CrmLookupStepFactory implements StepFactory<CrmLookupStepFactory.Options> {

    /** Which keys each entity can be found by. */
    static final Map<String, List<String>> KEYS = Map.of(
            "contact", List.of("id", "email"),
            "company", List.of("id", "domain"),
            "deal", List.of("id"),
            "owner", List.of("id", "email"));

    @Documentation(name = "crm.lookup", summary = "Reads a contact, company, deal or owner from the CRM tables kept from the CRM's change stream.",
            description = """
                    Output: `found` (true or false), `id` and `record`, the entity's fields as the CRM last wrote them \
                    (null when not found). Contacts and owners are found by `id` or `email`, companies by `id` or `domain` \
                    (an email gives its domain), deals by `id`. Needs `kafka.streams.crm` in the engine configuration. While the \
                    tables restore or rebalance the step waits, then fails retriably; a missing record fails the event only \
                    when `required` is true.""")
    @Example(title = "The account of a ticket's requester, then its owner", yaml = """
            id: account
            crm.lookup:
              entity: company
              by: domain
              key: "{{ event.data.requester.email }}"
              required: true
            """)
    public record Options(
            @Option(description = "Which table: contacts, companies, deals or owners.", required = true,
                    allowed = {"contact", "company", "deal", "owner"})
            String entity,
            @Option(description = "Which key: `id`, `email` (contact, owner) or `domain` (company).", defaultValue = "id",
                    allowed = {"id", "email", "domain"})
            String by,
            @Option(description = "The key to look up: a template over `event` and earlier `steps`.", required = true, template = true)
            String key,
            @Option(description = "Dead-letter the event when no record is found (otherwise `found` is false).", defaultValue = "false")
            Boolean required) {
    }

    @Override
    public List<OptionProblem> check(Options options, StepEnvironment environment) {
        List<String> keys = KEYS.get(options.entity());
        if (keys != null && !keys.contains(options.by())) {
            return List.of(OptionProblem.at("by", "Unknown index").got(options.by())
                    .expected("one of " + keys + " for entity '" + options.entity() + "'")
                    .fix("Look up by id, or through an entity that has that index"));
        }
        return List.of();
    }

    /** {@code found}, {@code id}, and the {@code record}, whose fields only the CRM knows. */
    @Override
    public ValueType outputs(Options options, StepEnvironment environment) {
        return ValueType.object(Map.of("found", ValueType.bool(), "id", ValueType.text(), "record", ValueType.any()));
    }

    @Override
    public Step create(String stepId, Options options, StepEnvironment environment) {
        return new CrmLookupStep(stepId, options, environment.service(CrmLookup.class));
    }
}
