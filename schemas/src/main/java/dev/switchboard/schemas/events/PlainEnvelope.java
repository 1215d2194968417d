package dev.switchboard.schemas.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;

/**
 * A direct check of the common CloudEvents envelope, so that the JSON Schema of the envelope
 * ({@code cloudevent.schema.json}) need not run for every event. It only ever says "plainly valid":
 * every event it passes, the schema passes too, and anything unusual (a {@code data_base64}, a time
 * with a leap second or an unknown offset, a string near a length limit in characters outside the
 * basic plane) is left to the schema, which then gives the verdict and the messages. So the parser's
 * answers are the schema's, only cheaper for the events that are plainly fine.
 */
final class PlainEnvelope {

    private PlainEnvelope() {
    }

    /** True when {@code event} certainly satisfies {@code cloudevent.schema.json}; false means "ask the schema". */
    static boolean plainlyValid(ObjectNode event) {
        JsonNode specversion = event.get("specversion");
        if (specversion == null || !specversion.isTextual() || !specversion.textValue().equals("1.0")) {
            return false;
        }
        if (!text(event.get("id"), 1, 256) || !text(event.get("source"), 1, 2048) || !type(event.get("type"))) {
            return false;
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = event.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (!attribute(field.getKey(), field.getValue())) {
                return false;
            }
        }
        return true;
    }

    /** A name of the schema's {@code propertyNames} and, for the attributes it declares, a value of their type. */
    private static boolean attribute(String name, JsonNode value) {
        if (!plainName(name)) {
            return false; // data_base64 too: the schema checks it against data
        }
        return switch (name) {
            case "subject" -> text(value, 0, 2048);
            case "time" -> value.isTextual() && EventTime.plain(value.textValue()) != null;
            case "datacontenttype", "dataschema" -> value.isTextual();
            default -> true; // specversion, id, source and type are checked above; data and extensions may be anything
        };
    }

    /** {@code ^[a-z0-9]{1,48}$}. */
    private static boolean plainName(String name) {
        int length = name.length();
        if (length < 1 || length > 48) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9')) {
                return false;
            }
        }
        return true;
    }

    /**
     * A string of {@code min} to {@code max} characters, counted in UTF-16 units. A string has no more
     * code points than units, and a non-empty one at least one, so it passes the schema's bounds
     * whether they count code points or units.
     */
    private static boolean text(JsonNode value, int min, int max) {
        if (value == null || !value.isTextual()) {
            return false;
        }
        int length = value.textValue().length();
        return length >= min && length <= max;
    }

    /** The envelope's {@code type}: 1 to 256 characters matching {@code ^[A-Za-z0-9][A-Za-z0-9._-]*$}. */
    private static boolean type(JsonNode value) {
        if (!text(value, 1, 256)) {
            return false;
        }
        String type = value.textValue();
        for (int i = 0; i < type.length(); i++) {
            char c = type.charAt(i);
            boolean alphanumeric = c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9';
            if (!alphanumeric && (i == 0 || c != '.' && c != '_' && c != '-')) {
                return false;
            }
        }
        return true;
    }
}
