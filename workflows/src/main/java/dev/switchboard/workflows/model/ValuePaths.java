package dev.switchboard.workflows.model;

import dev.switchboard.schemas.options.DidYouMean;
import dev.switchboard.schemas.types.ValueType;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Follows a path (keys and list indexes) through a {@link ValueType}, to the type there or to the first segment nothing has. */
final class ValuePaths {

    private ValuePaths() {
    }

    /** Where a path leads: the type found, or what is missing. */
    sealed interface Result {
    }

    record Found(ValueType type) implements Result {
    }

    /**
     * The path goes where nothing is.
     *
     * @param index   the segment that is missing
     * @param segment that segment (a key or an index)
     * @param prefix  the path before it, as written: {@code event.data}, {@code steps.triage}
     * @param known   the fields that are there, when the prefix is an object
     * @param what    what the prefix is, when it is not an object ("text", "a list")
     */
    record Missing(int index, Object segment, String prefix, Set<String> known, String what) implements Result {

        /** "Unknown field 'lable'" or "Index [0]". */
        String problem() {
            return segment instanceof Integer index ? "Index [" + index + "]" : "Unknown field '" + segment + "'";
        }

        /** Why, and what is there instead. */
        String detail() {
            if (what != null) {
                return prefix + " is " + what + (what.equals("a list") ? "; read an item with [0], e.g. " + prefix + "[0]"
                        : segment instanceof Integer ? ", not a list" : ", it has no fields");
            }
            if (segment instanceof Integer) {
                return prefix + " is an object, not a list; read one of its fields " + known;
            }
            return "expected one of the fields of " + prefix + " " + known + DidYouMean.hint((String) segment, known);
        }
    }

    static Result resolve(ValueType type, List<Object> segments, int index, String prefix) {
        if (index == segments.size() || type instanceof ValueType.Any) {
            return new Found(type);
        }
        Object segment = segments.get(index);
        String next = segment instanceof Integer i ? prefix + "[" + i + "]" : prefix + "." + segment;
        if (type instanceof ValueType.OneOf oneOf) {
            return oneOf(oneOf, segments, index, prefix);
        }
        if (type instanceof ValueType.ObjectOf object) {
            if (segment instanceof String key) {
                ValueType field = object.fields().containsKey(key) ? object.fields().get(key) : object.others();
                return field != null ? resolve(field, segments, index + 1, next)
                        : new Missing(index, segment, prefix, new TreeSet<>(object.fields().keySet()), null);
            }
            return new Missing(index, segment, prefix, new TreeSet<>(object.fields().keySet()), null);
        }
        if (type instanceof ValueType.ListOf list && segment instanceof Integer) {
            return resolve(list.items(), segments, index + 1, next);
        }
        return new Missing(index, segment, prefix, Set.of(), type.describe());
    }

    /** Found when any alternative has the path; otherwise what is missing furthest along, with the fields of every alternative there. */
    private static Result oneOf(ValueType.OneOf oneOf, List<Object> segments, int index, String prefix) {
        List<ValueType> found = new ArrayList<>();
        Missing furthest = null;
        for (ValueType alternative : oneOf.alternatives()) {
            Result result = resolve(alternative, segments, index, prefix);
            if (result instanceof Found hit) {
                found.add(hit.type());
            } else if (result instanceof Missing missing) {
                if (furthest == null || missing.index() > furthest.index()) {
                    furthest = missing;
                } else if (missing.index() == furthest.index() && missing.what() == null && furthest.what() == null) {
                    Set<String> known = new TreeSet<>(furthest.known());
                    known.addAll(missing.known());
                    furthest = new Missing(furthest.index(), furthest.segment(), furthest.prefix(), known, null);
                }
            }
        }
        if (found.isEmpty()) {
            return furthest != null ? furthest : new Found(ValueType.any());
        }
        return new Found(ValueType.oneOf(found));
    }
}
