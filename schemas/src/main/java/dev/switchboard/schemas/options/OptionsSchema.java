package dev.switchboard.schemas.options;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;

/** Generates the JSON Schema (draft 2020-12) of an options record from its {@link Option} annotations. */
public final class OptionsSchema {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private OptionsSchema() {
    }

    @SuppressWarnings("unchecked")
    public static ObjectNode of(Class<? extends Record> type) {
        ObjectNode schema = JSON.objectNode();
        schema.put("type", "object");
        Documentation doc = type.getAnnotation(Documentation.class);
        if (doc != null) {
            schema.put("description", doc.summary());
        }
        ObjectNode properties = schema.putObject("properties");
        ArrayNode required = JSON.arrayNode();
        for (OptionField field : OptionField.of(type)) {
            ObjectNode property = typeSchema(field.genericType());
            Option option = field.option();
            property.put("description", option.description());
            if (!field.defaultValue().isEmpty()) {
                property.set("default", defaultValue(field.defaultValue(), field.rawType()));
            }
            if (option.allowed().length > 0) {
                ArrayNode values = property.putArray("enum");
                for (String allowed : option.allowed()) {
                    values.add(allowed);
                }
            }
            if (!Double.isNaN(option.minimum())) {
                property.put("minimum", option.minimum());
            }
            if (!Double.isNaN(option.maximum())) {
                property.put("maximum", option.maximum());
            }
            if (option.secret()) {
                property.put("x-secret", true);
            }
            if (option.template()) {
                property.put("x-template", true);
            }
            if (option.cel()) {
                property.put("x-cel", true);
            }
            properties.set(field.key(), property);
            if (option.required()) {
                required.add(field.key());
            }
        }
        if (!required.isEmpty()) {
            schema.set("required", required);
        }
        schema.put("additionalProperties", false);
        return schema;
    }

    @SuppressWarnings("unchecked")
    static ObjectNode typeSchema(Type type) {
        Class<?> raw = OptionField.raw(type);
        ObjectNode node = JSON.objectNode();
        String scalar = OptionField.scalarType(raw);
        if (scalar != null) {
            node.put("type", scalar);
        } else if (List.class.isAssignableFrom(raw)) {
            node.put("type", "array");
            node.set("items", typeSchema(OptionField.argument(type, 0)));
        } else if (Map.class.isAssignableFrom(raw)) {
            node.put("type", "object");
            node.set("additionalProperties", typeSchema(OptionField.argument(type, 1)));
        } else if (raw.isRecord()) {
            return of((Class<? extends Record>) raw);
        } else {
            throw new IllegalStateException("Unsupported option type " + type.getTypeName());
        }
        return node;
    }

    private static JsonNode defaultValue(String text, Class<?> type) {
        String scalar = OptionField.scalarType(type);
        return switch (scalar == null ? "string" : scalar) {
            case "integer" -> JSON.numberNode(Long.parseLong(text));
            case "number" -> JSON.numberNode(Double.parseDouble(text));
            case "boolean" -> JSON.booleanNode(Boolean.parseBoolean(text));
            default -> JSON.textNode(text);
        };
    }
}
