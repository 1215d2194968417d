package dev.switchboard.schemas.events;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.schemas.types.JsonSchemaTypes;
import dev.switchboard.schemas.types.ValueType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * The event types whose JSON Schema ships in this module, as {@link ValueType}s that workflows are checked
 * against: the types sources publish ({@link EventParser#KNOWN_TYPES}) and the engine's own derived events.
 * An event is its CloudEvents attributes ({@code id}, {@code source}, {@code type}, ...) and its {@code data}.
 */
public final class EventSchemas {

    /** The event a window stage writes when its condition holds. */
    public static final String WINDOW_FIRED = "switchboard.window.fired";
    /** The event a schedule writes, summing up a period. */
    public static final String DIGEST = "switchboard.digest";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, ValueType> data;
    private final ValueType.ObjectOf envelope;

    private EventSchemas(Map<String, ValueType> data, ValueType.ObjectOf envelope) {
        this.data = Map.copyOf(data);
        this.envelope = envelope;
    }

    /** Reads the shipped schemas. */
    public static EventSchemas shipped() {
        Map<String, ValueType> data = new LinkedHashMap<>();
        for (String type : types()) {
            data.put(type, JsonSchemaTypes.of(read(type)));
        }
        return new EventSchemas(data, (ValueType.ObjectOf) JsonSchemaTypes.of(read("cloudevent")));
    }

    /** Every type with a shipped schema, sorted. */
    public static Set<String> types() {
        Set<String> types = new TreeSet<>(EventParser.KNOWN_TYPES);
        types.add(WINDOW_FIRED);
        types.add(DIGEST);
        return types;
    }

    /** What the data of an event of this type holds, when its schema ships. */
    public Optional<ValueType> data(String type) {
        return Optional.ofNullable(data.get(type));
    }

    /** An event whose {@code data} is of this type, with the CloudEvents attributes beside it. */
    public ValueType event(ValueType dataType) {
        Map<String, ValueType> fields = new LinkedHashMap<>(envelope.fields());
        fields.put("data", dataType);
        return ValueType.object(fields);
    }

    private static JsonNode read(String name) {
        String resource = "/dev/switchboard/schemas/events/" + name + ".schema.json";
        try (InputStream in = EventSchemas.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("Missing schema resource " + resource);
            }
            return JSON.readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
