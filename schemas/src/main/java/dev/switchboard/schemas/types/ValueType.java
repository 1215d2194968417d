package dev.switchboard.schemas.types;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a template or a condition can read at a path: the fields of an event type (from its JSON Schema) or of a
 * step's output (from its options). Workflows are checked against it when they load, so that a path nothing
 * ever writes is a problem with a line, not an empty value at run time.
 */
public sealed interface ValueType {

    /** Anything; nothing below it is checked (an event type without a schema, a CRM record). */
    record Any() implements ValueType {
        @Override
        public String describe() {
            return "anything";
        }
    }

    /** Text; when {@code values} is not empty, one of them (a classify step's labels, an enum). */
    record Text(Set<String> values) implements ValueType {
        public Text {
            values = Collections.unmodifiableSortedSet(new TreeSet<>(values));
        }

        @Override
        public String describe() {
            return values.isEmpty() ? "text" : "text, one of " + values;
        }
    }

    record Number(boolean integer) implements ValueType {
        @Override
        public String describe() {
            return integer ? "a whole number" : "a number";
        }
    }

    record Bool() implements ValueType {
        @Override
        public String describe() {
            return "true or false";
        }
    }

    record ListOf(ValueType items) implements ValueType {
        public ListOf {
            Objects.requireNonNull(items, "items");
        }

        @Override
        public String describe() {
            return "a list";
        }
    }

    /**
     * An object with declared fields.
     *
     * @param others       the type of any field not declared, or null when the declared fields are all there is
     * @param fieldsOfStep the id of a step whose output's fields this object has too (an enrich step's {@code from}),
     *                     or null
     */
    record ObjectOf(Map<String, ValueType> fields, ValueType others, String fieldsOfStep) implements ValueType {
        public ObjectOf {
            fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
        }

        /** The same object, with the fields of another step's output as well. */
        public ObjectOf withFieldsOf(String step) {
            return new ObjectOf(fields, others, step);
        }

        @Override
        public String describe() {
            return "an object";
        }
    }

    /** One of several types (an event of one of several types, a JSON Schema {@code anyOf}). */
    record OneOf(List<ValueType> alternatives) implements ValueType {
        public OneOf {
            alternatives = List.copyOf(alternatives);
        }

        @Override
        public String describe() {
            return "one of several types";
        }
    }

    static ValueType any() {
        return new Any();
    }

    static ValueType text() {
        return new Text(Set.of());
    }

    /** Text that is one of {@code values}. */
    static ValueType text(Collection<String> values) {
        return new Text(Set.copyOf(values));
    }

    static ValueType number() {
        return new Number(false);
    }

    static ValueType integer() {
        return new Number(true);
    }

    static ValueType bool() {
        return new Bool();
    }

    static ValueType list(ValueType items) {
        return new ListOf(items);
    }

    /** An object with exactly these fields. */
    static ObjectOf object(Map<String, ValueType> fields) {
        return new ObjectOf(fields, null, null);
    }

    /** An object with any keys, each value of this type. */
    static ObjectOf map(ValueType values) {
        return new ObjectOf(Map.of(), values, null);
    }

    static ValueType oneOf(List<ValueType> alternatives) {
        return alternatives.size() == 1 ? alternatives.get(0) : new OneOf(alternatives);
    }

    /** For messages: "text", "a number", "a list", "an object". */
    String describe();
}
