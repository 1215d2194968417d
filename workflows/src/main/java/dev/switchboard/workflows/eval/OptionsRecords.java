package dev.switchboard.workflows.eval;

import dev.switchboard.schemas.options.OptionField;
import java.lang.reflect.RecordComponent;
import java.util.Map;

/**
 * Reads and replaces options of a step's options record by component name, through its option
 * groups (flattened in the YAML, nested in Java), so that eval and replay can run a step with
 * another model or input without knowing how its options record is laid out.
 */
public final class OptionsRecords {

    private OptionsRecords() {
    }

    /** Whether the record type, or one of its groups, has a component of this name. */
    public static boolean has(Class<? extends Record> type, String name) {
        for (RecordComponent component : type.getRecordComponents()) {
            if (component.getName().equals(name) || OptionField.isGroup(component) && has(group(component), name)) {
                return true;
            }
        }
        return false;
    }

    /** The value of the component of this name, in the record or one of its groups; null when none has it. */
    public static Object read(Record options, String name) {
        for (RecordComponent component : options.getClass().getRecordComponents()) {
            Object value = value(component, options);
            if (component.getName().equals(name)) {
                return value;
            }
            if (OptionField.isGroup(component) && value instanceof Record group && has(group.getClass(), name)) {
                return read(group, name);
            }
        }
        return null;
    }

    /** A copy with some components replaced, in its groups too; names it does not have are ignored. */
    public static Record copy(Record options, Map<String, ?> changes) {
        RecordComponent[] components = options.getClass().getRecordComponents();
        Object[] values = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            String name = components[i].getName();
            Object value = value(components[i], options);
            types[i] = components[i].getType();
            values[i] = changes.containsKey(name) ? changes.get(name)
                    : OptionField.isGroup(components[i]) && value instanceof Record group ? copy(group, changes) : value;
        }
        try {
            return options.getClass().getDeclaredConstructor(types).newInstance(values);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot copy the options " + options.getClass().getName() + ": " + e.getMessage(), e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Class<? extends Record> group(RecordComponent component) {
        return (Class<? extends Record>) component.getType();
    }

    private static Object value(RecordComponent component, Record record) {
        try {
            return component.getAccessor().invoke(record);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot read " + component.getName() + " of " + record.getClass().getName(), e);
        }
    }
}
