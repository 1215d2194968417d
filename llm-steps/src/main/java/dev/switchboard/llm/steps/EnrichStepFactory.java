package dev.switchboard.llm.steps;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.llm.spi.LookupSource;
import dev.switchboard.llm.steps.internal.FileLookupSource;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Makes {@link EnrichStep}s: their options (the lookups), examples and the check that each lookup names
 * exactly one source it can read. File lookups are read once, when the step is created.
 */
public final class EnrichStepFactory implements StepFactory<EnrichStepFactory.Options> {

    @Documentation(name = "enrich", summary = "Combines an earlier step's output with records looked up by key (a CSV/JSON file now, CRM tables later).",
            description = """
                    Output: every field of the `from` step's output, and under each lookup's name the record found \
                    (or null), plus `matched`: the names of the lookups that found a record. A lookup whose `required` \
                    is true and that finds nothing fails the step for that event (dead letter), so no task is built on \
                    a half record. Keys are templates; records are compared without case.""")
    @Example(title = "Company and account owner by email domain", yaml = """
            id: account
            enrich:
              from: contact
              lookups:
                company:
                  file: data/companies.csv
                  key_column: domain
                  key: "{{ steps.contact.company_domain }}"
                  required: true
            """)
    public record Options(
            @Option(description = "The id of an earlier step whose output is the base record, e.g. an extract step.")
            String from,
            @Option(description = "Lookups by the name their record gets in the output.", required = true)
            Map<String, Lookup> lookups) {
    }

    /** One lookup. */
    public record Lookup(
            @Option(description = "A CSV (with a header row), JSON array or JSON Lines file, relative to the workflow file. Give `file` or `crm`.", file = true)
            String file,
            @Option(description = "The column or field the key is compared with (with `file`).")
            @JsonProperty("key_column") String keyColumn,
            @Option(description = "The key to look up: a template over `event` and earlier `steps`.", required = true, template = true)
            String key,
            @Option(description = "Fail the step for the event when nothing is found.", defaultValue = "false")
            Boolean required,
            @Option(description = "A CRM table the engine keeps (kafka.streams.crm) instead of a file, as `<entity>.<key>`: "
                    + "`contact.id`, `contact.email`, `company.id`, `company.domain`, `deal.id`, `owner.id` or `owner.email`.",
                    allowed = {"contact.id", "contact.email", "company.id", "company.domain", "deal.id", "owner.id", "owner.email"})
            String crm) {
    }

    @Override
    public List<OptionProblem> check(Options options, StepEnvironment environment) {
        return options.lookups().entrySet().stream()
                .flatMap(lookup -> check(lookup.getValue(), environment).stream().map(problem -> problem.under("lookups." + lookup.getKey())))
                .toList();
    }

    /** A lookup reads exactly one source, and a file it can read. */
    private static List<OptionProblem> check(Lookup lookup, StepEnvironment environment) {
        if ((lookup.file() == null) == (lookup.crm() == null)) {
            return List.of(OptionProblem.at("", "Expected exactly one of file and crm")
                    .fix(": a file with key_column, or a CRM table such as crm: company.domain"));
        }
        if (lookup.crm() != null) {
            return List.of();
        }
        if (lookup.keyColumn() == null) {
            return List.of(OptionProblem.at("", "Missing key_column")
                    .fix(": a file lookup needs the column its key is compared with, e.g. key_column: domain"));
        }
        try {
            FileLookupSource.read(environment.baseDir().resolve(lookup.file()), lookup.keyColumn());
            return List.of();
        } catch (IOException | RuntimeException e) {
            return List.of(OptionProblem.at("file", "Unreadable lookup file").got(lookup.file())
                    .expected("a CSV, JSON or JSON Lines file relative to the workflow file").fix("Reading it failed: " + FileErrors.describe(e)));
        }
    }

    /**
     * Under each lookup's name its record (whose columns only the file or the CRM knows), {@code matched}, and the
     * fields of the {@code from} step's output.
     */
    @Override
    public ValueType outputs(Options options, StepEnvironment environment) {
        Map<String, ValueType> fields = new LinkedHashMap<>();
        options.lookups().keySet().forEach(name -> fields.put(name, ValueType.any()));
        fields.put("matched", ValueType.list(ValueType.text(options.lookups().keySet())));
        ValueType.ObjectOf output = ValueType.object(fields);
        return options.from() == null ? output : output.withFieldsOf(options.from());
    }

    @Override
    public Step create(String stepId, Options options, StepEnvironment environment) {
        Map<String, LookupSource> sources = new LinkedHashMap<>();
        options.lookups().forEach((name, lookup) -> {
            if (lookup.crm() != null) {
                Optional<LookupSource> crm = environment.service(LookupSource.class);
                sources.put(name, (kind, key) -> crm.orElseThrow(() -> new IllegalStateException(
                        "No CRM tables for lookups." + name + ": add kafka: { streams: { crm: {} } } to switchboard.yaml")).lookup(lookup.crm(), key));
                return;
            }
            try {
                sources.put(name, FileLookupSource.read(environment.baseDir().resolve(lookup.file()), lookup.keyColumn()));
            } catch (IOException e) {
                throw new IllegalStateException("Cannot read lookup file " + lookup.file() + ": " + FileErrors.describe(e), e);
            }
        });
        return new EnrichStep(options, sources);
    }
}
