package dev.switchboard.workflows.steps;

import dev.switchboard.schemas.options.OptionProblem;
import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.options.Example;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.spi.CrmLookup;
import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepEnvironment;
import dev.switchboard.schemas.spi.StepFactory;
import dev.switchboard.schemas.spi.StepInvocation;
import dev.switchboard.schemas.spi.StepOutcome;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a contact, company, deal or owner from the CRM tables that the engine keeps from the CRM's
 * change stream (Kafka Streams state, see docs/state.md), by id or through the email and domain
 * indexes. No call to the CRM: the tables are local, or on the engine instance that holds the key.
 */
public final class CrmLookupStep implements StepFactory<CrmLookupStep.Options> {

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

        String byOrDefault() {
            return by == null ? "id" : by;
        }
    }

    @Override
    public Class<Options> optionsType() {
        return Options.class;
    }

    @Override
    @SuppressWarnings("removal")
    public List<OptionProblem> check(Options options, StepEnvironment environment) {
        return checkMessages(options, environment).stream().map(OptionProblem::fromMessage).toList();
    }

    private List<String> checkMessages(Options options, StepEnvironment environment) {
        List<String> problems = new ArrayList<>();
        List<String> keys = KEYS.get(options.entity());
        if (keys != null && !keys.contains(options.byOrDefault())) {
            problems.add("Unknown index at by: got '" + options.byOrDefault() + "', expected one of " + keys + " for entity '"
                    + options.entity() + "'. Look up by id, or through an entity that has that index");
        }
        return problems;
    }

    @Override
    public Step create(String stepId, Options options, StepEnvironment environment) {
        Optional<CrmLookup> tables = environment.service(CrmLookup.class);
        return batch -> batch.stream().map(invocation -> tables.isEmpty()
                ? StepOutcome.Failed.permanent("No CRM tables at steps." + stepId + ": the engine keeps none. "
                        + "Add kafka: { streams: { crm: {} } } to switchboard.yaml")
                : lookup(invocation, options, tables.get())).toList();
    }

    static StepOutcome lookup(StepInvocation invocation, Options options, CrmLookup tables) {
        String key = invocation.render(options.key()).strip();
        Optional<Map<String, Object>> found;
        if (key.isEmpty()) {
            found = Optional.empty();
        } else {
            try {
                found = tables.find(options.entity(), options.byOrDefault(), key);
            } catch (CrmLookup.UnavailableException e) {
                return StepOutcome.Failed.retriable("CRM tables unavailable: " + e.getMessage());
            }
        }
        if (found.isEmpty() && Boolean.TRUE.equals(options.required())) {
            return StepOutcome.Failed.permanent("No " + options.entity() + " with " + options.byOrDefault() + " '" + key
                    + "' in the CRM tables at key: expected one, since required is true. Check the CRM change stream feeds " + options.entity() + " records");
        }
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("found", found.isPresent());
        // a table whose primary key is not called id (contact_id) is keyed by the source's row key: the key looked up by id
        output.put("id", found.map(record -> record.get("id") != null ? String.valueOf(record.get("id"))
                : options.byOrDefault().equals("id") ? key : null).orElse(null));
        output.put("record", found.orElse(null));
        return StepOutcome.Completed.of(java.util.Collections.unmodifiableMap(output));
    }
}
