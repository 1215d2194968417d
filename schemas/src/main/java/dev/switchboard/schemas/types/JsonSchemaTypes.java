package dev.switchboard.schemas.types;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@link ValueType} a JSON Schema describes, for checking what workflows read. The declared
 * {@code properties} of an object are taken as all it has unless {@code additionalProperties} says
 * otherwise: a schema states what a reader can rely on, and a field it does not declare is most often a
 * typo. {@code null} in a type list is dropped (a template reads a present value); what this reading
 * does not follow ({@code $ref}, {@code allOf}, {@code not}) reads as anything.
 */
public final class JsonSchemaTypes {

    private JsonSchemaTypes() {
    }

    public static ValueType of(JsonNode schema) {
        if (schema == null || !schema.isObject()) {
            return ValueType.any();
        }
        if (schema.has("const") && schema.get("const").isTextual()) {
            return ValueType.text(List.of(schema.get("const").asText()));
        }
        if (schema.has("enum")) {
            return enumeration(schema.get("enum"));
        }
        for (String keyword : List.of("anyOf", "oneOf")) {
            JsonNode alternatives = schema.get(keyword);
            if (alternatives != null && alternatives.isArray() && !alternatives.isEmpty()) {
                List<ValueType> types = new ArrayList<>();
                alternatives.forEach(alternative -> types.add(of(alternative)));
                return ValueType.oneOf(types);
            }
        }
        List<String> types = types(schema);
        if (types.isEmpty()) {
            if (schema.has("properties") || schema.has("additionalProperties")) {
                return object(schema);
            }
            return schema.has("items") ? ValueType.list(of(schema.get("items"))) : ValueType.any();
        }
        List<ValueType> alternatives = new ArrayList<>();
        for (String type : types) {
            alternatives.add(switch (type) {
                case "string" -> ValueType.text();
                case "number" -> ValueType.number();
                case "integer" -> ValueType.integer();
                case "boolean" -> ValueType.bool();
                case "array" -> ValueType.list(of(schema.get("items")));
                case "object" -> object(schema);
                default -> ValueType.any();
            });
        }
        return ValueType.oneOf(alternatives);
    }

    /** The types a schema names, {@code null} left out. */
    private static List<String> types(JsonNode schema) {
        JsonNode type = schema.get("type");
        List<String> types = new ArrayList<>();
        if (type != null && type.isTextual()) {
            types.add(type.asText());
        } else if (type != null && type.isArray()) {
            type.forEach(item -> types.add(item.asText()));
        }
        types.remove("null");
        return types;
    }

    private static ValueType enumeration(JsonNode values) {
        List<String> texts = new ArrayList<>();
        for (JsonNode value : values) {
            if (value.isTextual()) {
                texts.add(value.asText());
            } else if (!value.isNull()) {
                return ValueType.any();
            }
        }
        return ValueType.text(texts);
    }

    private static ValueType object(JsonNode schema) {
        Map<String, ValueType> fields = new LinkedHashMap<>();
        JsonNode properties = schema.get("properties");
        if (properties != null && properties.isObject()) {
            properties.fields().forEachRemaining(field -> fields.put(field.getKey(), of(field.getValue())));
        }
        JsonNode additional = schema.get("additionalProperties");
        ValueType others;
        if (schema.has("patternProperties") || additional != null && additional.isBoolean() && additional.asBoolean()) {
            others = ValueType.any();
        } else if (additional != null && additional.isObject()) {
            others = of(additional);
        } else if (additional == null && fields.isEmpty()) {
            others = ValueType.any();
        } else {
            others = null;
        }
        return new ValueType.ObjectOf(fields, others, null);
    }
}
