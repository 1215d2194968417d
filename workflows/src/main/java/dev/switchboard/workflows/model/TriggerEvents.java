package dev.switchboard.workflows.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.schemas.events.EventSchemas;
import dev.switchboard.schemas.files.FileErrors;
import dev.switchboard.schemas.options.Problems;
import dev.switchboard.schemas.types.JsonSchemaTypes;
import dev.switchboard.schemas.types.ValueType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * The events a workflow's templates and conditions read, typed from the JSON Schemas of its event types:
 * those shipped with Switchboard and those the workflow declares in {@code on.schemas}. The events its
 * trigger counts ({@code on.types}, read by {@code on.filter} and a window's key) may differ from the one
 * that starts its steps (a window's {@code switchboard.window.fired}, a schedule's {@code switchboard.digest}).
 * A type without a schema reads as anything below {@code data}, with a warning.
 */
final class TriggerEvents {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_SCHEMA_BYTES = 1024 * 1024;

    private final EventSchemas shipped;

    TriggerEvents(EventSchemas shipped) {
        this.shipped = shipped;
    }

    /**
     * @param counted what {@code on.filter} and a window's key and value read
     * @param started what the first step reads
     */
    record Scopes(ReadScope counted, ReadScope started) {
    }

    Scopes of(Trigger trigger, Node on, Path folder, Problems problems) {
        Map<String, ValueType> declared = declared(trigger, on, folder, problems);
        List<String> types = trigger.types() == null ? List.of() : trigger.types();
        List<ValueType> events = new ArrayList<>();
        for (int i = 0; i < types.size(); i++) {
            String type = types.get(i);
            ValueType data = shipped.data(type).orElse(declared.get(type));
            if (data == null) {
                problems.warn(Problems.nodeAt(on, "types[" + i + "]"), "on.types[" + i + "]", "No schema for event type '" + type
                        + "' at on.types[" + i + "]: its fields are not checked. Declare one, e.g. on: { schemas: { " + type + ": schemas/"
                        + type + ".schema.json } }");
                data = ValueType.any();
            }
            events.add(shipped.event(data));
        }
        ReadScope counted = ReadScope.eventOnly(events.isEmpty() ? shipped.event(ValueType.any()) : ValueType.oneOf(events),
                types.isEmpty() ? "any event type" : String.join(", ", types));
        if (trigger.window() != null) {
            return new Scopes(counted, derived(WindowTrigger.FIRED_TYPE));
        }
        if (trigger.schedule() != null) {
            return new Scopes(counted, derived(trigger.schedule().eventType()));
        }
        return new Scopes(counted, ReadScope.firstStep(counted.event(), counted.eventTypes()));
    }

    /** What steps read when the trigger could not be read: any event. */
    ReadScope untyped() {
        return ReadScope.firstStep(shipped.event(ValueType.any()), "any event type");
    }

    private ReadScope derived(String type) {
        return ReadScope.firstStep(shipped.event(shipped.data(type).orElseThrow()), type);
    }

    /** The types {@code on.schemas} declares, each read from its file; a shipped type cannot be declared again. */
    private Map<String, ValueType> declared(Trigger trigger, Node on, Path folder, Problems problems) {
        Map<String, ValueType> declared = new LinkedHashMap<>();
        if (trigger.schemas() == null) {
            return declared;
        }
        trigger.schemas().forEach((type, file) -> {
            String path = "on.schemas." + type;
            Node node = keyNode(on, "schemas", type);
            if (shipped.data(type).isPresent()) {
                problems.add(node, path, "Schema for a shipped type at " + path + ": got '" + type + "', expected a type of your own. "
                        + "Remove it: " + type + " is checked against the schema Switchboard ships");
                return;
            }
            if (trigger.types() != null && !trigger.types().contains(type)) {
                problems.warn(node, path, "Unused schema at " + path + ": got '" + type + "', expected one of on.types "
                        + trigger.types() + ". Remove it, or add the type to on.types");
            }
            read(folder.resolve(file), file, node, path, problems).ifPresent(schema -> declared.put(type, JsonSchemaTypes.of(schema)));
        });
        return declared;
    }

    /** The key node of {@code key} in the mapping at {@code section} (type names have dots, so no dotted path), else the section's. */
    private static Node keyNode(Node on, String section, String key) {
        Node mapping = Problems.nodeAt(on, section);
        if (on instanceof MappingNode onMapping) {
            for (NodeTuple tuple : onMapping.getValue()) {
                if (tuple.getKeyNode() instanceof ScalarNode name && name.getValue().equals(section)
                        && tuple.getValueNode() instanceof MappingNode entries) {
                    for (NodeTuple entry : entries.getValue()) {
                        if (entry.getKeyNode() instanceof ScalarNode entryKey && entryKey.getValue().equals(key)) {
                            return entry.getKeyNode();
                        }
                    }
                }
            }
        }
        return mapping;
    }

    /** A schema file; a problem never quotes its content, which may not be a schema at all. */
    private static Optional<JsonNode> read(Path file, String written, Node node, String path, Problems problems) {
        String unreadable = "Unreadable schema at " + path + ": got '" + written + "', expected a JSON Schema (a JSON object) in a file "
                + "relative to the workflow file, but ";
        try {
            if (Files.size(file) > MAX_SCHEMA_BYTES) {
                problems.add(node, path, unreadable + "it is over 1 MiB");
                return Optional.empty();
            }
            JsonNode schema = JSON.readTree(Files.readString(file));
            if (schema == null || !schema.isObject()) {
                problems.add(node, path, unreadable + "it holds no JSON object");
                return Optional.empty();
            }
            return Optional.of(schema);
        } catch (IOException | RuntimeException e) {
            problems.add(node, path, unreadable + FileErrors.describe(e));
            return Optional.empty();
        }
    }
}
