package dev.switchboard.workflows.streams;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.schemas.JsonValues;
import dev.switchboard.workflows.expr.Cel;
import dev.switchboard.workflows.expr.CelExpression;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The key of an event for a stage: a CEL expression over {@code event}, with a fast path for plain
 * attribute reads ({@code event.id}, {@code event.subject}) and for the event's identity
 * ({@code [event.source, event.id]}) that skips building the CEL variables. A list is keyed as its
 * JSON array, so that no two lists share a key ({@code ["/a", "b/c"]} is not {@code ["/a/b", "c"]}).
 */
final class EventKey {

    /** What identifies a CloudEvent: ids are unique only within their source. */
    static final String IDENTITY = "[event.source, event.id]";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final List<String> attributes;
    private final CelExpression expression;

    private EventKey(List<String> attributes, CelExpression expression) {
        this.attributes = attributes;
        this.expression = expression;
    }

    static EventKey of(String source) {
        String trimmed = source.trim();
        if (trimmed.matches("event\\.[a-z][a-z0-9]*")) {
            return new EventKey(List.of(trimmed.substring("event.".length())), null);
        }
        if (trimmed.replaceAll("\\s+", "").equals(IDENTITY.replace(" ", ""))) {
            return new EventKey(List.of("source", "id"), null);
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
        if (attributes == null) {
            return text(evaluate(expression, JsonValues.toMap(event)));
        }
        List<String> values = new ArrayList<>(attributes.size());
        for (String attribute : attributes) {
            JsonNode value = event.get(attribute);
            if (value == null || value.isNull() || value.isContainerNode()) {
                return null;
            }
            values.add(value.asText());
        }
        return values.size() == 1 ? values.get(0) : text(values);
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
        if (value instanceof List<?> list) {
            try {
                return JSON.writeValueAsString(list.stream().map(String::valueOf).toList());
            } catch (JsonProcessingException e) {
                return null;
            }
        }
        String text = String.valueOf(value);
        return text.isEmpty() ? null : text;
    }
}
