package dev.switchboard.llm.steps;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.llm.steps.internal.ChatStepOptions;
import dev.switchboard.llm.steps.internal.ModelStep;
import dev.switchboard.llm.steps.internal.ModelStepFactory;
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
 * Makes {@link ExtractStep}s: their options (the fields to extract, a small JSON schema with objects and
 * lists), examples and checks (field names, enums with values, objects with fields, lists with items).
 */
public final class ExtractStepFactory extends ModelStepFactory<ExtractStepFactory.Options> {

    private static final Pattern FIELD_NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");

    @Documentation(name = "extract", summary = "Pulls declared fields (a small JSON schema) out of text, validated.",
            description = """
                    Output: every declared field (null when the text does not give it and it is not required), \
                    `confidence`, `model`, `prompt_id` and `prompt_version`. Field types: `string`, `number`, \
                    `integer`, `boolean`, `date` (YYYY-MM-DD), `enum` (one of `values`), `object` (the `fields` under \
                    it, of those plain types: an invoice's supplier) and `list`, whose `items` are one of the plain \
                    types or an `object` with `fields` of its own (a call's next steps: owner, action, due date), at most \
                    `max_items` of them; a list the text does not give is empty. An answer with a missing required \
                    field, a wrong type, a date that is no date, a value outside `values` or a list too long, at any \
                    depth, is invalid: the model is shown its error once, then the chain moves on. Needs a chat model.""")
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
    @Example(title = "An invoice from a PDF attachment, with its supplier and tax lines", yaml = """
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
                  items:
                    type: object
                    fields:
                      rate: {type: number, description: "Percent, e.g. 20", required: true}
                      tax: {type: number, required: true}
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
            @OptionGroup ModelOptions.ChatModel chat,
            @OptionGroup ModelOptions.ScoredMessage modelOptions) implements ChatStepOptions {
    }

    /** One field to extract. */
    public record Field(
            @Option(description = "The field's type.", required = true,
                    allowed = {"string", "number", "integer", "boolean", "date", "enum", "object", "list"})
            String type,
            @Option(description = "What the field holds; the model reads it.")
            String description,
            @Option(description = "The answer is invalid without it (a `list` may be empty).", defaultValue = "false")
            Boolean required,
            @Option(description = "The allowed values of an `enum` field.")
            List<String> values,
            @Option(description = "The fields of an `object` field, by name, of the plain types "
                    + "(`string`, `number`, `integer`, `boolean`, `date`, `enum`).")
            Map<String, Property> fields,
            @Option(description = "What each item of a `list` field is.")
            Item items,
            @Option(description = "The most items a `list` field may have.", defaultValue = "20", minimum = 1, maximum = 200)
            @JsonProperty("max_items") Integer maxItems) {

        /**
         * The record's text with only the components a field uses: a field declared before objects and
         * lists existed keeps its prompt version, which hashes this text.
         */
        @Override
        public String toString() {
            return "Field[type=" + type + ", description=" + description + ", required=" + required + ", values=" + values
                    + (fields == null ? "" : ", fields=" + fields)
                    + (items == null ? "" : ", items=" + items + ", maxItems=" + maxItems) + "]";
        }
    }

    /** The items of a list field: a value of one plain type, or an object with fields of its own. */
    public record Item(
            @Option(description = "The items' type.", required = true,
                    allowed = {"string", "number", "integer", "boolean", "date", "enum", "object"})
            String type,
            @Option(description = "What an item holds; the model reads it.")
            String description,
            @Option(description = "The allowed values of `enum` items.")
            List<String> values,
            @Option(description = "The fields of `object` items, by name.")
            Map<String, Property> fields) {
    }

    /** One field of an object, or of each object item of a list: a plain type. */
    public record Property(
            @Option(description = "The field's type.", required = true, allowed = {"string", "number", "integer", "boolean", "date", "enum"})
            String type,
            @Option(description = "What the field holds; the model reads it.")
            String description,
            @Option(description = "The object (or list item) is invalid without it.", defaultValue = "false")
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
            problems.addAll(checkObject(name, field));
            problems.addAll(checkList(name, field));
        });
        return problems;
    }

    /** An object has fields; only objects have fields (a list's go under items). */
    private static List<OptionProblem> checkObject(String name, Field field) {
        String at = "fields." + name;
        if ("object".equals(field.type())) {
            return field.fields() == null || field.fields().isEmpty()
                    ? List.of(OptionProblem.at(at, "No fields").expected("fields: with at least one field of the object"))
                    : checkProperties(at + ".fields", field.fields());
        }
        if (field.fields() == null) {
            return List.of();
        }
        if ("list".equals(field.type())) {
            return List.of(OptionProblem.at(at + ".fields", "Fields directly on a list").expected("the fields of each item under items")
                    .fix("Use items: {type: object, fields: ...}"));
        }
        return List.of(OptionProblem.at(at + ".fields", "Unused option").got(field.type())
                .fix(": only object fields have fields. Set type: object, or use type: list with items: {type: object, fields: ...}, or remove fields"));
    }

    /** A list says what its items are; an object item has fields; enums have values. Only lists have items. */
    private static List<OptionProblem> checkList(String name, Field field) {
        String at = "fields." + name;
        if (!"list".equals(field.type())) {
            return field.items() == null ? List.of() : List.of(OptionProblem.at(at + ".items", "Items of a " + field.type() + " field")
                    .expected("items only on a field of type list").fix("Remove items, or make the field type: list"));
        }
        Item items = field.items();
        if (items == null) {
            // a list with fields but no items has its own problem, with the fix
            return field.fields() != null ? List.of()
                    : List.of(OptionProblem.at(at, "List without items").expected("items: {type: ...}, e.g. items: {type: string}"));
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
        problems.addAll(checkProperties(at + ".items.fields", items.fields()));
        return problems;
    }

    /** The fields of an object or an object item: well named, enums with values. */
    private static List<OptionProblem> checkProperties(String at, Map<String, Property> properties) {
        List<OptionProblem> problems = new ArrayList<>();
        properties.forEach((name, property) -> {
            if (!FIELD_NAME.matcher(name).matches()) {
                problems.add(OptionProblem.at(at + "." + name, "Invalid field name").got(name).expected("lowercase letters, digits and '_'"));
            }
            if (property != null && "enum".equals(property.type()) && (property.values() == null || property.values().isEmpty())) {
                problems.add(OptionProblem.at(at + "." + name, "Enum without values").expected("values: [..] with the allowed values"));
            }
        });
        return problems;
    }

    /**
     * Every declared field, typed as declared (a date is text, an enum one of its values, an object its fields, a
     * list a list of its items), and {@code confidence}.
     */
    @Override
    protected Map<String, ValueType> outputFields(Options options, StepEnvironment environment) {
        Map<String, ValueType> fields = new LinkedHashMap<>();
        options.fields().forEach((name, field) -> fields.put(name, field == null ? ValueType.any() : switch (field.type()) {
            case "object" -> properties(field.fields());
            case "list" -> ValueType.list(itemType(field.items()));
            default -> plain(field.type(), field.values());
        }));
        fields.put("confidence", ValueType.number());
        return fields;
    }

    /** A list's items: objects with their declared fields, or values of one type. */
    private static ValueType itemType(Item items) {
        if (items == null) {
            return ValueType.any();
        }
        return "object".equals(items.type()) ? properties(items.fields()) : plain(items.type(), items.values());
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
