package dev.switchboard.connectors.sources.cdc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.connectors.sources.SourceEvent;
import dev.switchboard.schemas.events.ExactJson;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One Debezium change (key and value as JSON without schemas) as a CloudEvent:
 * type {@code <prefix>.<entity>.<created|updated|deleted|snapshot>}, data with the mapped fields,
 * {@code table}, {@code op}, {@code lsn}, {@code before} and {@code after}; an id that is the same
 * whenever the same change is read again.
 */
public final class ChangeEventMapping {

    /** The change kinds, as the last part of the event type. */
    public static final List<String> CHANGES = List.of("created", "updated", "deleted", "snapshot");

    private static final ObjectMapper JSON = ExactJson.mapper();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final Map<String, Optional<JsonNode>> SCHEMAS = new ConcurrentHashMap<>();
    private static final int MAX_SUBJECT = 2048;
    /** Digits of the largest integer a text column is converted to; the default number length limit of Jackson. */
    private static final int MAX_INTEGER_DIGITS = 1000;

    /** A streamed table: its entity name and the event fields read from its columns. */
    public record Table(String entity, Map<String, String> fields) {
        public Table {
            fields = Map.copyOf(fields);
        }
    }

    private final String database;
    private final String typePrefix;
    private final Map<String, Table> tables;

    /**
     * @param tables by {@code schema.table}
     */
    public ChangeEventMapping(String database, String typePrefix, Map<String, Table> tables) {
        this.database = database;
        this.typePrefix = typePrefix;
        this.tables = Map.copyOf(tables);
    }

    /**
     * The event for one change, or empty for what is not a row change of a configured table
     * (a tombstone, a heartbeat, a truncate, a schema change).
     *
     * @param key   the row's primary key as Debezium writes it ({@code {"id": 42}}), null for a table without one
     * @param value the change envelope ({@code before}, {@code after}, {@code source}, {@code op}), null for a tombstone
     */
    public Optional<SourceEvent> map(String key, String value) {
        if (value == null) {
            return Optional.empty();
        }
        JsonNode change = read(value);
        JsonNode source = change.path("source");
        String table = source.path("schema").asText() + "." + source.path("table").asText();
        Table mapping = tables.get(table);
        String op = change.path("op").asText();
        String kind = switch (op) {
            case "c" -> "created";
            case "u" -> "updated";
            case "d" -> "deleted";
            case "r" -> "snapshot";
            default -> null;
        };
        if (mapping == null || kind == null) {
            return Optional.empty();
        }
        String type = typePrefix + "." + mapping.entity() + "." + kind;
        JsonNode before = change.path("before").isObject() ? change.get("before") : NullNode.instance;
        JsonNode after = change.path("after").isObject() ? change.get("after") : NullNode.instance;
        JsonNode row = op.equals("d") ? before : after;
        JsonNode lsn = source.path("lsn");

        ObjectNode data = NODES.objectNode();
        JsonNode properties = schema(type).map(schema -> schema.path("properties")).orElse(NullNode.instance);
        mapping.fields().entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(field ->
                data.set(field.getKey(), convert(row.path(field.getValue()), properties.path(field.getKey()))));
        data.put("table", table);
        data.put("op", op);
        data.set("lsn", lsn.isMissingNode() ? NullNode.instance : lsn);
        data.set("before", before);
        data.set("after", after);

        String rowKey = keyText(key);
        // The same change read again (after a crash, or by a restarted snapshot of the same rows) gets the same id;
        // a table without a primary key falls back to the row itself.
        String id = SourceEvent.stableId("cdc", database, table, lsn.asText(), op, rowKey != null ? rowKey : row.toString());
        Instant time = source.path("ts_ms").canConvertToLong() ? Instant.ofEpochMilli(source.path("ts_ms").asLong()) : null;
        String subject = rowKey == null ? null : rowKey.length() > MAX_SUBJECT ? rowKey.substring(0, MAX_SUBJECT) : rowKey;
        return Optional.of(SourceEvent.of(id, type, "/cdc/postgres/" + database + "/" + table, subject, time, data, rowKey));
    }

    /** The fields that the schema Switchboard ships for {@code type} requires; empty when it ships none. */
    public static List<String> requiredFields(String type) {
        List<String> required = new ArrayList<>();
        schema(type).ifPresent(schema -> schema.path("required").forEach(field -> required.add(field.asText())));
        return required;
    }

    /** The key's text: a single column's value, or the key object as JSON for a composite key; null without a key. */
    static String keyText(String key) {
        if (key == null) {
            return null;
        }
        JsonNode node = read(key);
        if (node.isObject() && node.size() == 1) {
            JsonNode only = node.elements().next();
            return only.isValueNode() ? only.asText() : only.toString();
        }
        return node.isNull() || node.isEmpty() && node.isContainerNode() ? null : node.toString();
    }

    /** A column value in the type the event schema declares for the field (when it declares one). */
    private static JsonNode convert(JsonNode value, JsonNode property) {
        if (value.isMissingNode() || value.isNull()) {
            return NullNode.instance;
        }
        List<String> types = new ArrayList<>();
        JsonNode declared = property.path("type");
        if (declared.isTextual()) {
            types.add(declared.asText());
        } else {
            declared.forEach(type -> types.add(type.asText()));
        }
        if (types.isEmpty()) {
            return value;
        }
        if (types.contains("string") && !value.isTextual()) {
            return cut(value.isValueNode() ? value.asText() : value.toString(), property);
        }
        if (value.isTextual() && types.contains("string")) {
            return cut(value.asText(), property);
        }
        if (types.contains("integer") && value.isTextual()) {
            try {
                BigDecimal number = new BigDecimal(value.asText().trim());
                if (number.precision() - number.scale() > MAX_INTEGER_DIGITS) {
                    return value; // "1e99999999" would be expanded digit by digit: leave it to the schema check
                }
                return NODES.numberNode(number.stripTrailingZeros().toBigIntegerExact());
            } catch (NumberFormatException | ArithmeticException e) {
                return value; // not an integer: the schema check downstream says so
            }
        }
        if (types.contains("number") && value.isTextual()) {
            try {
                return NODES.numberNode(new BigDecimal(value.asText().trim()));
            } catch (NumberFormatException e) {
                return value;
            }
        }
        return value;
    }

    private static JsonNode cut(String text, JsonNode property) {
        int max = property.path("maxLength").asInt(Integer.MAX_VALUE);
        // maxLength counts code points, as the schema check does
        return NODES.textNode(text.codePointCount(0, text.length()) > max ? text.substring(0, text.offsetByCodePoints(0, max)) : text);
    }

    private static Optional<JsonNode> schema(String type) {
        return SCHEMAS.computeIfAbsent(type, name -> {
            String resource = "/dev/switchboard/schemas/events/" + name + ".schema.json";
            try (InputStream in = ChangeEventMapping.class.getResourceAsStream(resource)) {
                return in == null ? Optional.empty() : Optional.of(JSON.readTree(in));
            } catch (IOException e) {
                throw new UncheckedIOException("Event schema " + resource + " cannot be read", e);
            }
        });
    }

    private static JsonNode read(String json) {
        try {
            return JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("Debezium wrote a change that is not JSON: " + e.getOriginalMessage(), e);
        }
    }
}
