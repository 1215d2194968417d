package dev.switchboard.llm.steps;

import dev.switchboard.llm.spi.LookupSource;
import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepInvocation;
import dev.switchboard.schemas.spi.StepOutcome;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Combines an earlier step's output (an extraction, typically) with records looked up by keys
 * taken from it into one richer record. Lookups go through the {@link LookupSource} interface: a
 * static CSV or JSON file, or the CRM tables of the Kafka Streams stage. No model is called,
 * and the output is data only: later steps read {@code steps.<id>.<lookup>.<column>}.
 */
public final class EnrichStep implements Step {

    private final EnrichStepFactory.Options options;
    private final Map<String, LookupSource> sources;

    EnrichStep(EnrichStepFactory.Options options, Map<String, LookupSource> sources) {
        this.options = options;
        this.sources = Map.copyOf(sources);
    }

    @Override
    public List<StepOutcome> run(List<StepInvocation> batch) {
        return batch.stream().map(this::enrich).toList();
    }

    private StepOutcome enrich(StepInvocation invocation) {
        Map<String, Object> output = new LinkedHashMap<>();
        if (options.from() != null && invocation.read("steps." + options.from()) instanceof Map<?, ?> base) {
            base.forEach((key, value) -> output.put(String.valueOf(key), value));
        }
        List<String> matched = new ArrayList<>();
        for (Map.Entry<String, EnrichStepFactory.Lookup> entry : options.lookups().entrySet()) {
            EnrichStepFactory.Lookup lookup = entry.getValue();
            String key = invocation.render(lookup.key());
            if (key.isBlank() && lookup.required()) {
                return StepOutcome.Failed.permanent("Empty key at lookups." + entry.getKey() + ".key: got '' from \"" + lookup.key()
                        + "\", expected a key to look up, since required is true. Send events that carry it, or skip the others with when:");
            }
            Optional<Map<String, Object>> found = sources.get(entry.getKey()).lookup(entry.getKey(), key);
            if (found.isEmpty() && lookup.required()) {
                return StepOutcome.Failed.permanent("No record at lookups." + entry.getKey() + ": got key '" + key + "', expected one in "
                        + (lookup.crm() != null ? "the CRM table " + lookup.crm() : lookup.file() + " (column " + lookup.keyColumn() + ")"));
            }
            output.put(entry.getKey(), found.orElse(null));
            found.ifPresent(record -> matched.add(entry.getKey()));
        }
        output.put("matched", List.copyOf(matched));
        return StepOutcome.Completed.of(Collections.unmodifiableMap(output));
    }
}
