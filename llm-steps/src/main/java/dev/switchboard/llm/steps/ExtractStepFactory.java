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
                    `integer`, `boolean`, `date` (YYYY-MM-DD), `enum` (one of `values`) and `list`, whose `items` are \
                    one of those types or an `object` with `fields` of its own (a call's next steps: owner, action, due \
                    date), at most `max_items` of them. An answer with a missing required field, a wrong type, a date \
                    that is no date, a value outside `values` or a list too long is invalid: the model is shown its \
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
    @Example(title = "A sales call's key points, objections and next steps", yaml = """
            id: summary
            extract:
              input: "{{ event.data.transcript }}"
              model: fast
              context: the transcript of a sales call, as speaker turns
              fields:
                key_points:
                  type: list
                  items: {type: string}
                  max_items: 8
                next_steps:
                  type: list
                  required: true
                  items:
                    type: object
                    fields:
                      owner: {type: string, required: true}
                      action: {type: string, required: true}
                      due: {type: date, description: When it was promised for}
                sentiment:
                  type: enum
                  values: [positive, neutral, negative]
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
            @OptionGroup ModelOptions.ScoredMessage modelOptions) implements ModelStepOptions {
    }

    /** One field to extract. */
    public record Field(
            @Option(description = "The field's type.", required = true,
                    allowed = {"string", "number", "integer", "boolean", "date", "enum", "list"})
            String type,
            @Option(description = "What the field holds; the model reads it.")
            String description,
            @Option(description = "The answer is invalid without it (a `list` may be empty).", defaultValue = "false")
            Boolean required,
            @Option(description = "The allowed values of an `enum` field.")
            List<String> values,
            @Option(description = "What each item of a `list` field is.")
            Item items,
            @Option(description = "The most items a `list` field may have.", defaultValue = "20", minimum = 1, maximum = 200)
            @JsonProperty("max_items") Integer maxItems) {
    }

    /** The items of a list field: a value of one type, or an object with fields of its own. */
    public record Item(
            @Option(description = "The items' type.", required = true,
                    allowed = {"string", "number", "integer", "boolean", "date", "enum", "object"})
            String type,
            @Option(description = "What an item holds; the model reads it.")
            String description,
            @Option(description = "The allowed values of `enum` items.")
            List<String> values,
            @Option(description = "The fields of `object` items, by name.")
            Map<String, ItemField> fields) {
    }

    /** One field of an object item. */
    public record ItemField(
            @Option(description = "The field's type.", required = true, allowed = {"string", "number", "integer", "boolean", "date", "enum"})
            String type,
            @Option(description = "What the field holds; the model reads it.")
            String description,
            @Option(description = "An item is invalid without it.", defaultValue = "false")
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
            if (field != null) {
                problems.addAll(checkList(name, field));
            }
        });
        return problems;
    }

    /** A list says what its items are; an object item has well-named fields; enums have values. Only lists have items. */
    private static List<OptionProblem> checkList(String name, Field field) {
        String at = "fields." + name;
        if (!"list".equals(field.type())) {
            return field.items() == null ? List.of() : List.of(OptionProblem.at(at + ".items", "Items of a " + field.type() + " field")
                    .expected("items only on a field of type list").fix("Remove items, or make the field type: list"));
        }
        Item items = field.items();
        if (items == null) {
            return List.of(OptionProblem.at(at, "List without items").expected("items: {type: ...}, e.g. items: {type: string}"));
        }
        List<OptionProblem> problems = new ArrayList<>();
        if ("enum".equals(items.type()) && (items.values() == null || items.values().isEmpty())) {
            problems.add(OptionProblem.at(at + ".items", "Enum without values").expected("values: [..] with the allowed values"));
        }
        if (!"object".equals(items.type())) {
            if (items.fields() != null) {
                problems.add(OptionProblem.at(at + ".items.fields", "Fields of " + items.type() + " items")
                        .expected("fields only on items of type object"));
            }
            return problems;
        }
        if (items.fields() == null || items.fields().isEmpty()) {
            problems.add(OptionProblem.at(at + ".items", "Object items without fields").expected("fields: {name: {type: ...}, ...}"));
            return problems;
        }
        items.fields().forEach((fieldName, itemField) -> {
            if (!FIELD_NAME.matcher(fieldName).matches()) {
                problems.add(OptionProblem.at(at + ".items.fields." + fieldName, "Invalid field name").got(fieldName)
                        .expected("lowercase letters, digits and '_'"));
            }
            if (itemField != null && "enum".equals(itemField.type()) && (itemField.values() == null || itemField.values().isEmpty())) {
                problems.add(OptionProblem.at(at + ".items.fields." + fieldName, "Enum without values").expected("values: [..] with the allowed values"));
            }
        });
        return problems;
    }

    /** Every declared field, typed as declared (a date is text, an enum one of its values), and {@code confidence}. */
    @Override
    protected Map<String, ValueType> outputFields(Options options, StepEnvironment environment) {
        Map<String, ValueType> fields = new LinkedHashMap<>();
        options.fields().forEach((name, field) -> fields.put(name, field == null ? ValueType.any()
                : "list".equals(field.type()) ? ValueType.list(itemType(field.items())) : type(field.type(), field.values())));
        fields.put("confidence", ValueType.number());
        return fields;
    }

    /** A list's items: objects with their declared fields, or values of one type. */
    private static ValueType itemType(Item items) {
        if (items == null) {
            return ValueType.any();
        }
        if (!"object".equals(items.type())) {
            return type(items.type(), items.values());
        }
        Map<String, ValueType> fields = new LinkedHashMap<>();
        if (items.fields() != null) {
            items.fields().forEach((name, field) -> fields.put(name, field == null ? ValueType.any() : type(field.type(), field.values())));
        }
        return ValueType.object(fields);
    }

    private static ValueType type(String type, List<String> values) {
        return switch (type) {
            case "number" -> ValueType.number();
            case "integer" -> ValueType.integer();
            case "boolean" -> ValueType.bool();
            case "enum" -> ValueType.text(values == null ? List.of() : values);
            default -> ValueType.text();
        };
    }

    @Override
    protected Step create(ModelStep.Setup setup, Options options, StepEnvironment environment) {
        return new ExtractStep(setup, options);
    }
}
