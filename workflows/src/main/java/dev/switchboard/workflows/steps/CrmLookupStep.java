package dev.switchboard.workflows.steps;

import dev.switchboard.schemas.spi.CrmLookup;
import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepInvocation;
import dev.switchboard.schemas.spi.StepOutcome;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a contact, company, deal or owner from the CRM tables that the engine keeps from the CRM's
 * change stream (Kafka Streams state, see docs/state.md), by id or through the email and domain
 * indexes. No call to the CRM: the tables are local, or on the engine instance that holds the key.
 */
public final class CrmLookupStep implements Step {

    private final String stepId;
    private final CrmLookupStepFactory.Options options;
    private final Optional<CrmLookup> tables;

    CrmLookupStep(String stepId, CrmLookupStepFactory.Options options, Optional<CrmLookup> tables) {
        this.stepId = stepId;
        this.options = options;
        this.tables = tables;
    }

    @Override
    public List<StepOutcome> run(List<StepInvocation> batch) {
        return batch.stream().map(invocation -> tables.isEmpty()
                ? StepOutcome.Failed.permanent("No CRM tables at steps." + stepId + ": the engine keeps none. "
                        + "Add kafka: { streams: { crm: {} } } to switchboard.yaml")
                : lookup(invocation, tables.get())).toList();
    }

    private StepOutcome lookup(StepInvocation invocation, CrmLookup tables) {
        String key = invocation.render(options.key()).strip();
        Optional<Map<String, Object>> found;
        if (key.isEmpty()) {
            found = Optional.empty();
        } else {
            try {
                found = tables.find(options.entity(), options.by(), key);
            } catch (CrmLookup.UnavailableException e) {
                return StepOutcome.Failed.retriable("CRM tables unavailable: " + e.getMessage());
            }
        }
        if (key.isEmpty() && options.required()) {
            return StepOutcome.Failed.permanent("Empty key at steps." + stepId + ".key: got '' from \"" + options.key() + "\", expected the "
                    + options.entity() + "'s " + options.by() + ", since required is true. Send events that carry it, or skip the others with when:");
        }
        if (found.isEmpty() && options.required()) {
            return StepOutcome.Failed.permanent("No " + options.entity() + " with " + options.by() + " '" + key
                    + "' in the CRM tables at key: expected one, since required is true. Check the CRM change stream feeds " + options.entity() + " records");
        }
        Map<String, Object> output = new LinkedHashMap<>();
        output.put("found", found.isPresent());
        // a table whose primary key is not called id (contact_id) is keyed by the source's row key: the key looked up by id
        output.put("id", found.map(record -> record.get("id") != null ? String.valueOf(record.get("id"))
                : options.by().equals("id") ? key : null).orElse(null));
        output.put("record", found.orElse(null));
        return StepOutcome.Completed.of(Collections.unmodifiableMap(output));
    }
}
