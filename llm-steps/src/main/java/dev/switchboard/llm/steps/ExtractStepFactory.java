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
                    `integer`, `boolean`, `date` (YYYY-MM-DD), `enum` (one of `values`), `object` (the `fields` under \
                    it) and `list` (a list of objects, each with the `fields` under it); the fields of an object or a \
                    list item have the plain types; a list the text does not give is empty. An answer with a missing required field, a wrong type, a date \
                    that is no date or a value outside `values`, at any depth, is invalid: the model is shown its \
                    error once, then the chain moves on. Needs a chat model.""")
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
    @Example(title = "An invoice from a PDF attachment, with its tax lines and line items", yaml = """
            id: invoice
            extract:
              input: "{{ event.data.attachments[0].text }}"
              context: a supplier invoice
              model: fast
              fields:
                supplier:
                  type: object
                  required: true
                  fields:
                    name: {type: string, required: true}
                    vat_id: {type: string, description: "VAT or tax id, e.g. FR61834512907"}
                invoice_number: {type: string, required: true}
                issue_date: {type: date, required: true}
                total: {type: number, required: true}
                tax_lines:
                  type: list
                  description: One line per tax rate
                  fields:
                    rate: {type: number, description: "Percent, e.g. 20", required: true}
                    tax: {type: number, required: true}
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
            @Option(description = "The field's type.", required = true,
                    allowed = {"string", "number", "integer", "boolean", "date", "enum", "object", "list"})
            String type,
            @Option(description = "What the field holds; the model reads it.")
            String description,
            @Option(description = "The answer is invalid without it.", defaultValue = "false")
            Boolean required,
            @Option(description = "The allowed values of an `enum` field.")
            List<String> values,
            @Option(description = "For `object`: its fields; for `list`: the fields of each item. Their types are the plain ones "
                    + "(`string`, `number`, `integer`, `boolean`, `date`, `enum`).")
            Map<String, Property> fields) {

        /**
         * The record's own text without {@code fields} when there are none: a field declared before
         * objects and lists existed keeps its prompt version, which hashes this text.
         */
        @Override
        public String toString() {
            return "Field[type=" + type + ", description=" + description + ", required=" + required + ", values=" + values
                    + (fields == null ? "" : ", fields=" + fields) + "]";
        }
    }

    /** One field of an object, or of each item of a list. */
    public record Property(
            @Option(description = "The field's type.", required = true, allowed = {"string", "number", "integer", "boolean", "date", "enum"})
            String type,
            @Option(description = "What the field holds; the model reads it.")
            String description,
            @Option(description = "The object is invalid without it.", defaultValue = "false")
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
            if (field == null) {
                return;
            }
            if ("enum".equals(field.type()) && (field.values() == null || field.values().isEmpty())) {
                problems.add(OptionProblem.at("fields." + name, "Enum without values").expected("values: [..] with the allowed values"));
            }
            boolean nested = "object".equals(field.type()) || "list".equals(field.type());
            if (nested && (field.fields() == null || field.fields().isEmpty())) {
                problems.add(OptionProblem.at("fields." + name, "No fields").expected("fields: with at least one field of each " + field.type()
                        + (field.type().equals("list") ? " item" : "")));
            }
            if (!nested && field.fields() != null) {
                problems.add(OptionProblem.at("fields." + name + ".fields", "Unused option").got(field.type())
                        .fix(": only object and list fields have fields. Set type: object or list, or remove fields"));
            }
            if (field.fields() != null) {
                field.fields().forEach((inner, property) -> {
                    if (!FIELD_NAME.matcher(inner).matches()) {
                        problems.add(OptionProblem.at("fields." + name + ".fields." + inner, "Invalid field name").got(inner)
                                .expected("lowercase letters, digits and '_'"));
                    }
                    if (property != null && "enum".equals(property.type()) && (property.values() == null || property.values().isEmpty())) {
                        problems.add(OptionProblem.at("fields." + name + ".fields." + inner, "Enum without values")
                                .expected("values: [..] with the allowed values"));
                    }
                });
            }
        });
        return problems;
    }

    /**
     * Every declared field, typed as declared (a date is text, an enum one of its values, an object its fields, a
     * list a list of such objects), and {@code confidence}.
     */
    @Override
    protected Map<String, ValueType> outputFields(Options options, StepEnvironment environment) {
        Map<String, ValueType> fields = new LinkedHashMap<>();
        options.fields().forEach((name, field) -> fields.put(name, field == null ? ValueType.any() : switch (field.type()) {
            case "object" -> properties(field.fields());
            case "list" -> ValueType.list(properties(field.fields()));
            default -> plain(field.type(), field.values());
        }));
        fields.put("confidence", ValueType.number());
        return fields;
    }

    private static ValueType properties(Map<String, Property> properties) {
        if (properties == null) {
            return ValueType.any();
        }
        Map<String, ValueType> fields = new LinkedHashMap<>();
        properties.forEach((name, property) -> fields.put(name, property == null ? ValueType.any() : plain(property.type(), property.values())));
        return ValueType.object(fields);
    }

    private static ValueType plain(String type, List<String> values) {
        return switch (type == null ? "" : type) {
            case "number" -> ValueType.number();
            case "integer" -> ValueType.integer();
            case "boolean" -> ValueType.bool();
            case "enum" -> ValueType.text(values == null ? List.of() : values);
            default -> ValueType.text();
        };
    }

    @Override
    protected Step create(ModelStep.Setup setup, Options options, StepEnvironment environment) {
        return new ExtractStep(setup, options, prompt("extract.system", options, environment));
    }
}
