package dev.switchboard.workflows.streams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.schemas.JsonValues;
import dev.switchboard.workflows.expr.Cel;
import dev.switchboard.workflows.expr.CelExpression;
import java.io.IOException;
import java.util.Map;

/**
 * The key of an event for a stage: a CEL expression over {@code event}, with a fast path for plain
 * attribute reads ({@code event.id}, {@code event.subject}) that skips building the CEL variables.
 */
final class EventKey {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final String attribute;
    private final CelExpression expression;

    private EventKey(String attribute, CelExpression expression) {
        this.attribute = attribute;
        this.expression = expression;
    }

    static EventKey of(String source) {
        String trimmed = source.trim();
        if (trimmed.matches("event\\.[a-z][a-z0-9]*")) {
            return new EventKey(trimmed.substring("event.".length()), null);
        }
        return new EventKey(null, CelExpression.overEvent(trimmed));
    }

    /** The event as a JSON object, or null when the bytes are not one. */
    static JsonNode parse(byte[] bytes) {
        if (bytes == null || bytes.length == 0) {
            return null;
        }
        try {
            JsonNode node = JSON.readTree(bytes);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** The key as text, or null when it is absent, null or cannot be evaluated. */
    String of(JsonNode event) {
        if (attribute != null) {
            JsonNode value = event.get(attribute);
            return value == null || value.isNull() || value.isContainerNode() ? null : value.asText();
        }
        return text(evaluate(expression, JsonValues.toMap(event)));
    }

    static Object evaluate(CelExpression expression, Map<String, Object> event) {
        try {
            return expression.evaluate(Map.of("event", event));
        } catch (Cel.ConditionException e) {
            return null;
        }
    }

    private static String text(Object value) {
        if (value == null) {
            return null;
        }
        String text = String.valueOf(value);
        return text.isEmpty() ? null : text;
    }
}
