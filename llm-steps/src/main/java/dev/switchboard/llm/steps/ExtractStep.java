package dev.switchboard.llm.steps;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.model.chat.request.json.JsonAnyOfSchema;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonBooleanSchema;
import dev.langchain4j.model.chat.request.json.JsonEnumSchema;
import dev.langchain4j.model.chat.request.json.JsonIntegerSchema;
import dev.langchain4j.model.chat.request.json.JsonNullSchema;
import dev.langchain4j.model.chat.request.json.JsonNumberSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import dev.switchboard.llm.chat.ChatFailures;
import dev.switchboard.llm.steps.ExtractStepFactory.Field;
import dev.switchboard.llm.steps.ExtractStepFactory.Item;
import dev.switchboard.llm.steps.ExtractStepFactory.Property;
import dev.switchboard.llm.steps.internal.ModelStep;
import dev.switchboard.llm.steps.internal.PromptTemplate;
import dev.switchboard.llm.steps.internal.PromptText;
import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepInvocation;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Pulls declared fields out of text: contact details, company, amounts, dates, invoice numbers,
 * order ids, nested objects (an invoice's supplier) and lists (a call's next steps, each with an owner
 * and a date; an invoice's tax lines). The fields are a small JSON schema (type, required, description,
 * allowed values, fields, items); the model answers in that schema and the answer is checked against it,
 * at any depth, before any later step sees it.
 */
public final class ExtractStep extends ModelStep implements Step {

    private final Map<String, Field> fields;
    private final String system;
    private final JsonObjectSchema schema;

    ExtractStep(Setup setup, ExtractStepFactory.Options options, PromptTemplate template) {
        super(setup, template, template.text() + "\0" + options.fields() + "\0" + options.context());
        this.fields = options.fields();
        String fieldLines = fields.entrySet().stream()
                .map(entry -> "- " + entry.getKey() + " (" + describe(entry.getValue()) + ")"
                        + (entry.getValue().description() == null ? "" : ": " + entry.getValue().description()))
                .collect(Collectors.joining("\n"));
        this.system = template.text().replace("{{fields}}", fieldLines)
                + (options.context() == null ? "" : "\nThe text is " + options.context() + ".");
        JsonObjectSchema.Builder builder = schema();
        List<String> required = new ArrayList<>();
        fields.forEach((name, field) -> {
            JsonSchemaElement element = element(field);
            // strict schemas want every property listed as required; optional ones may be null
            builder.addProperty(name, field.required() ? element : JsonAnyOfSchema.builder().anyOf(element, new JsonNullSchema()).build());
            required.add(name);
        });
        builder.addProperty("confidence", JsonNumberSchema.builder().description("from 0 to 1").build());
        required.add("confidence");
        this.schema = builder.required(required).build();
    }

    /** What is wrong with an extraction, or null when every field has its type and the required ones are there. */
    static String problemWith(JsonNode answer, Map<String, Field> fields) {
        for (Map.Entry<String, Field> entry : fields.entrySet()) {
            String name = entry.getKey();
            Field field = entry.getValue();
            JsonNode value = answer.get(name);
            if (absent(value)) {
                if (field.required()) {
                    return "has no value for required field '" + name + "'";
                }
                continue;
            }
            String problem = switch (field.type()) {
                case "object" -> value.isObject() ? objectProblem(value, field.fields(), name) : typeProblem(value, name, "an object");
                case "list" -> listProblem(name, value, field);
                default -> scalarProblem(value, field.type(), field.values(), name);
            };
            if (problem != null) {
                return problem;
            }
        }
        return PromptText.confidenceProblem(answer);
    }

    /** A list of at most {@code max_items}, every item of its type, every object item with its required fields. */
    private static String listProblem(String name, JsonNode value, Field field) {
        if (!value.isArray()) {
            return typeProblem(value, name, "a list");
        }
        if (value.size() > field.maxItems()) {
            return "has " + value.size() + " items in list '" + name + "', expected at most " + field.maxItems() + ". Keep the most important";
        }
        Item items = field.items();
        for (int i = 0; i < value.size(); i++) {
            JsonNode item = value.get(i);
            String at = name + "[" + i + "]";
            String problem;
            if ("object".equals(items.type())) {
                problem = item.isObject() ? objectProblem(item, items.fields(), at) : typeProblem(item, at, "an object");
            } else {
                problem = item.isNull() ? "has null at " + at + ", expected " + items.type() : scalarProblem(item, items.type(), items.values(), at);
            }
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    private static String objectProblem(JsonNode object, Map<String, Property> properties, String path) {
        for (Map.Entry<String, Property> entry : properties.entrySet()) {
            String name = path + "." + entry.getKey();
            Property property = entry.getValue();
            JsonNode value = object.get(entry.getKey());
            if (absent(value)) {
                if (property.required()) {
                    return "has no value for required field '" + name + "'";
                }
                continue;
            }
            String problem = scalarProblem(value, property.type(), property.values(), name);
            if (problem != null) {
                return problem;
            }
        }
        return null;
    }

    /** What is wrong with one value of a plain type, or null. */
    private static String scalarProblem(JsonNode value, String type, List<String> values, String name) {
        String expected = switch (type) {
            case "string" -> value.isTextual() ? null : "a string";
            case "number" -> value.isNumber() && Double.isFinite(value.doubleValue()) ? null : "a number";
            case "integer" -> value.isIntegralNumber() || value.isNumber() && value.doubleValue() == Math.rint(value.doubleValue())
                    ? null : "a whole number";
            case "boolean" -> value.isBoolean() ? null : "true or false";
            case "date" -> value.isTextual() && isDate(value.asText()) ? null : "a date YYYY-MM-DD";
            case "enum" -> value.isTextual() && values.contains(value.asText()) ? null : "one of " + values;
            default -> "a known type";
        };
        return expected == null ? null : typeProblem(value, name, expected);
    }

    private static String typeProblem(JsonNode value, String name, String expected) {
        return "got " + ChatFailures.quote(value.toString()) + " for field '" + name + "', expected " + expected;
    }

    private static boolean absent(JsonNode value) {
        return value == null || value.isNull() || value.isTextual() && value.asText().isBlank();
    }

    private static boolean isDate(String text) {
        try {
            LocalDate.parse(text);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static String describe(Field field) {
        return switch (field.type()) {
            case "object" -> "object " + describe(field.fields());
            case "list" -> "list of at most " + field.maxItems() + " " + describe(field.items());
            default -> describe(field.type(), field.values());
        } + (field.required() ? ", required" : ", or null");
    }

    /** "string", or "objects {owner (string, required), due (date YYYY-MM-DD, or null)}". */
    private static String describe(Item items) {
        String what = "object".equals(items.type()) ? "objects " + describe(items.fields()) : describe(items.type(), items.values());
        return what + (items.description() == null ? "" : " (" + items.description() + ")");
    }

    /** "{name (string, required), vat_id (string, or null: VAT or tax id)}". */
    private static String describe(Map<String, Property> properties) {
        return properties.entrySet().stream()
                .map(entry -> entry.getKey() + " (" + describe(entry.getValue().type(), entry.getValue().values())
                        + (entry.getValue().required() ? ", required" : ", or null")
                        + (entry.getValue().description() == null ? "" : ": " + entry.getValue().description()) + ")")
                .collect(Collectors.joining(", ", "{", "}"));
    }

    private static String describe(String type, List<String> values) {
        return switch (type) {
            case "enum" -> "one of " + String.join(", ", values);
            case "date" -> "date YYYY-MM-DD";
            default -> type;
        };
    }

    private static JsonSchemaElement element(Field field) {
        return switch (field.type()) {
            case "object" -> object(field.fields(), field.description());
            case "list" -> JsonArraySchema.builder().description(field.description()).items(element(field.items())).build();
            default -> element(field.type(), field.values(), field.description());
        };
    }

    private static JsonSchemaElement element(Item items) {
        return "object".equals(items.type()) ? object(items.fields(), items.description()) : element(items.type(), items.values(), items.description());
    }

    /** An object of plain fields; strict schemas want every property listed as required, optional ones may be null. */
    private static JsonObjectSchema object(Map<String, Property> properties, String description) {
        JsonObjectSchema.Builder builder = schema().description(description);
        properties.forEach((name, property) -> {
            JsonSchemaElement element = element(property.type(), property.values(), property.description());
            builder.addProperty(name, property.required() ? element : JsonAnyOfSchema.builder().anyOf(element, new JsonNullSchema()).build());
        });
        return builder.required(List.copyOf(properties.keySet())).build();
    }

    private static JsonSchemaElement element(String type, List<String> values, String description) {
        return switch (type) {
            case "number" -> JsonNumberSchema.builder().description(description).build();
            case "integer" -> JsonIntegerSchema.builder().description(description).build();
            case "boolean" -> JsonBooleanSchema.builder().description(description).build();
            case "enum" -> JsonEnumSchema.builder().enumValues(values).description(description).build();
            case "date" -> JsonStringSchema.builder().description((description == null ? "" : description + "; ") + "YYYY-MM-DD").build();
            default -> JsonStringSchema.builder().description(description).build();
        };
    }

    @Override
    protected Prepared prepare(String text, StepInvocation invocation) {
        return ask(system, "extraction", schema, text, json -> problemWith(json, fields), json -> {
            Map<String, Object> output = new LinkedHashMap<>();
            fields.forEach((name, field) -> {
                JsonNode value = json.get(name);
                output.put(name, switch (field.type()) {
                    case "object" -> absent(value) ? null : declared(value, field.fields());
                    // a list the text does not give is empty, so later steps (for_each) need no null check
                    case "list" -> absent(value) ? List.of() : list(value, field.items());
                    default -> plain(value, field.type());
                });
            });
            return Verdict.withConfidence(output, json);
        });
    }

    /** The declared fields of an object, and no others: later steps see exactly the shape the workflow declares. */
    private static Map<String, Object> declared(JsonNode object, Map<String, Property> properties) {
        Map<String, Object> values = new LinkedHashMap<>();
        properties.forEach((name, property) -> values.put(name, plain(object.get(name), property.type())));
        return Collections.unmodifiableMap(values);
    }

    /** A validated list as plain Java: object items with their declared fields only (null when absent). */
    private static List<Object> list(JsonNode value, Item items) {
        List<Object> list = new ArrayList<>();
        for (JsonNode item : value) {
            list.add("object".equals(items.type()) ? declared(item, items.fields()) : value(item, items.type()));
        }
        return Collections.unmodifiableList(list);
    }

    /** A field's value as plain Java, null when absent. */
    private static Object plain(JsonNode value, String type) {
        return absent(value) ? null : value(value, type);
    }

    /** A value as plain Java, whole numbers of integer fields as longs. */
    private static Object value(JsonNode value, String type) {
        Object plain = java(value);
        return "integer".equals(type) && plain instanceof Number number ? (Object) number.longValue() : plain;
    }

    @Override
    protected String promptText() {
        return system;
    }
}
