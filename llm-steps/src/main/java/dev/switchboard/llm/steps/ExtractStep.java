package dev.switchboard.llm.steps;

import com.fasterxml.jackson.databind.JsonNode;
import dev.langchain4j.model.chat.request.json.JsonAnyOfSchema;
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
import dev.switchboard.llm.steps.internal.ModelStep;
import dev.switchboard.llm.steps.internal.PromptTemplate;
import dev.switchboard.llm.steps.internal.PromptText;
import dev.switchboard.schemas.spi.Step;
import dev.switchboard.schemas.spi.StepInvocation;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Pulls declared fields out of text: contact details, company, amounts, dates, invoice numbers,
 * order ids. The fields are a small JSON schema (type, required, description, allowed values); the
 * model answers in that schema and the answer is checked against it before any later step sees it.
 */
public final class ExtractStep extends ModelStep implements Step {

    private final Map<String, Field> fields;
    private final PromptTemplate template;
    private final String system;
    private final JsonObjectSchema schema;

    ExtractStep(Setup setup, ExtractStepFactory.Options options, PromptTemplate template) {
        super(setup, template.text() + "\0" + options.fields() + "\0" + options.context());
        this.fields = options.fields();
        String fieldLines = fields.entrySet().stream()
                .map(entry -> "- " + entry.getKey() + " (" + describe(entry.getValue()) + ")"
                        + (entry.getValue().description() == null ? "" : ": " + entry.getValue().description()))
                .collect(Collectors.joining("\n"));
        this.template = template;
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
            if (value == null || value.isNull() || value.isTextual() && value.asText().isBlank()) {
                if (field.required()) {
                    return "has no value for required field '" + name + "'";
                }
                continue;
            }
            String expected = switch (field.type()) {
                case "string" -> value.isTextual() ? null : "a string";
                case "number" -> value.isNumber() && Double.isFinite(value.doubleValue()) ? null : "a number";
                case "integer" -> value.isIntegralNumber() || value.isNumber() && value.doubleValue() == Math.rint(value.doubleValue())
                        ? null : "a whole number";
                case "boolean" -> value.isBoolean() ? null : "true or false";
                case "date" -> value.isTextual() && isDate(value.asText()) ? null : "a date YYYY-MM-DD";
                case "enum" -> value.isTextual() && field.values().contains(value.asText()) ? null : "one of " + field.values();
                default -> "a known type";
            };
            if (expected != null) {
                return "got " + ChatFailures.quote(value.toString()) + " for field '" + name + "', expected " + expected;
            }
        }
        return PromptText.confidenceProblem(answer);
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
            case "enum" -> "one of " + String.join(", ", field.values());
            case "date" -> "date YYYY-MM-DD";
            default -> field.type();
        } + (field.required() ? ", required" : ", or null");
    }

    private static JsonSchemaElement element(Field field) {
        String description = field.description();
        return switch (field.type()) {
            case "number" -> JsonNumberSchema.builder().description(description).build();
            case "integer" -> JsonIntegerSchema.builder().description(description).build();
            case "boolean" -> JsonBooleanSchema.builder().description(description).build();
            case "enum" -> JsonEnumSchema.builder().enumValues(field.values()).description(description).build();
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
                Object plain = value == null || value.isNull() || value.isTextual() && value.asText().isBlank() ? null : java(value);
                if ("integer".equals(field.type()) && plain instanceof Number number) {
                    plain = number.longValue();
                }
                output.put(name, plain);
            });
            return Verdict.withConfidence(output, json);
        });
    }

    @Override
    protected PromptTemplate promptTemplate() {
        return template;
    }

    @Override
    protected String promptText() {
        return system;
    }
}
