package dev.switchboard.llm.steps;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.llm.steps.internal.ModelStep;
import dev.switchboard.llm.steps.internal.ModelStepFactory;
import dev.switchboard.llm.steps.internal.ModelStepOptions;
import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.options.Example;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.options.OptionGroup;
import dev.switchboard.schemas.options.OptionProblem;
import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepEnvironment;
import dev.switchboard.schemas.types.ValueType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Makes {@link ExtractStep}s: their options (the fields to extract, a small JSON schema), examples and
 * checks (field names, enums with values).
 */
public final class ExtractStepFactory extends ModelStepFactory<ExtractStepFactory.Options> {

    private static final Pattern FIELD_NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");

    @Documentation(name = "extract", summary = "Pulls declared fields (a small JSON schema) out of text, validated.",
            description = """
                    Output: every declared field (null when the text does not give it and it is not required), \
                    `confidence`, `model`, `prompt_id` and `prompt_version`. Field types: `string`, `number`, \
                    `integer`, `boolean`, `date` (YYYY-MM-DD) and `enum` (one of `values`). An answer with a missing \
                    required field, a wrong type, a date that is no date or a value outside `values` is invalid: the \
                    model is shown its error once, then the chain moves on. Needs a chat model.""")
    @Example(title = "Invoice details from an email", yaml = """
            id: invoice
            extract:
              input: "{{ event.data.subject }}\\n\\n{{ event.data.body }}"
              model: fast
              fields:
                invoice_number:
                  type: string
                  description: The invoice number, e.g. INV-2024-001
                  required: true
                amount:
                  type: number
                  description: The amount due
                due_date:
                  type: date
                  description: When the invoice is due
                currency:
                  type: enum
                  values: [EUR, USD, GBP]
            """)
    public record Options(
            @Option(description = "The text to extract from: a template over `event` and earlier `steps`.", required = true, template = true)
            String input,
            @Option(description = "The fields to extract, by name (lowercase letters, digits and `_`).", required = true)
            Map<String, Field> fields,
            @Option(description = "What the text is, in a few words, to guide the model, e.g. `an email from a customer`.")
            String context,
            @Option(description = ModelOptions.MODEL, required = true)
            String model,
            @Option(description = ModelOptions.PROMPT_FILE, file = true)
            @JsonProperty("prompt_file") String promptFile,
            @OptionGroup ModelOptions.ScoredMessage modelOptions) implements ModelStepOptions {
    }

    /** One field to extract. */
    public record Field(
            @Option(description = "The field's type.", required = true, allowed = {"string", "number", "integer", "boolean", "date", "enum"})
            String type,
            @Option(description = "What the field holds; the model reads it.")
            String description,
            @Option(description = "The answer is invalid without it.", defaultValue = "false")
            Boolean required,
            @Option(description = "The allowed values of an `enum` field.")
            List<String> values) {
    }

    @Override
    protected List<OptionProblem> checkOwn(Options options, StepEnvironment environment) {
        List<OptionProblem> problems = new ArrayList<>();
        if (options.fields().isEmpty()) {
            problems.add(OptionProblem.at("fields", "No fields").expected("at least one field to extract"));
        }
        options.fields().forEach((name, field) -> {
            if (!FIELD_NAME.matcher(name).matches() || name.equals("confidence")) {
                problems.add(OptionProblem.at("fields." + name, "Invalid field name").got(name)
                        .expected("lowercase letters, digits and '_' (and not 'confidence')"));
            }
            if (field != null && "enum".equals(field.type()) && (field.values() == null || field.values().isEmpty())) {
                problems.add(OptionProblem.at("fields." + name, "Enum without values").expected("values: [..] with the allowed values"));
            }
        });
        return problems;
    }

    /** Every declared field, typed as declared (a date is text, an enum one of its values), and {@code confidence}. */
    @Override
    protected Map<String, ValueType> outputFields(Options options, StepEnvironment environment) {
        Map<String, ValueType> fields = new LinkedHashMap<>();
        options.fields().forEach((name, field) -> fields.put(name, field == null ? ValueType.any() : switch (field.type()) {
            case "number" -> ValueType.number();
            case "integer" -> ValueType.integer();
            case "boolean" -> ValueType.bool();
            case "enum" -> ValueType.text(field.values() == null ? List.of() : field.values());
            default -> ValueType.text();
        }));
        fields.put("confidence", ValueType.number());
        return fields;
    }

    @Override
    protected Step create(ModelStep.Setup setup, Options options, StepEnvironment environment) {
        return new ExtractStep(setup, options, prompt("extract.system", options, environment));
    }
}
