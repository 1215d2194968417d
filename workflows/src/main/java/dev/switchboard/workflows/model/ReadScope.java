package dev.switchboard.workflows.model;

import dev.switchboard.schemas.options.DidYouMean;
import dev.switchboard.schemas.types.ValueType;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a template or condition can read at one place in a workflow: the event (of the types that start
 * it, or that its trigger counts), in a step the outputs of the steps before it, and in a step that
 * iterates ({@code for_each}) the item.
 *
 * @param event         the event's type
 * @param eventTypes    the event types, for messages: {@code ticket.created}
 * @param steps         the outputs of the steps before, by id, in order; null where steps cannot be read ({@code on})
 * @param item          the type of a {@code for_each} step's items; null where there is no item
 */
record ReadScope(ValueType event, String eventTypes, Map<String, ValueType> steps, ValueType item) {

    ReadScope {
        steps = steps == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(steps));
    }

    /** Where only the event can be read: {@code on.filter}, a window's key. */
    static ReadScope eventOnly(ValueType event, String eventTypes) {
        return new ReadScope(event, eventTypes, null, null);
    }

    /** The first step's: the event, and no step before it. */
    static ReadScope firstStep(ValueType event, String eventTypes) {
        return new ReadScope(event, eventTypes, Map.of(), null);
    }

    boolean stepsReadable() {
        return steps != null;
    }

    /** The scope of the next step: this one's, and the output of step {@code id}. */
    ReadScope withStep(String id, ValueType outputs) {
        Map<String, ValueType> next = new LinkedHashMap<>(steps);
        next.put(id, outputs);
        return new ReadScope(event, eventTypes, next, null);
    }

    /** The scope of a step that iterates: this one's, and its items as {@code item}. */
    ReadScope withItem(ValueType items) {
        return new ReadScope(event, eventTypes, steps, items);
    }

    /**
     * A step's declared outputs with the fields of the earlier step they include (an enrich step's {@code from}), or
     * empty when that step does not run before this one.
     */
    Optional<ValueType> withIncludedFields(ValueType outputs) {
        if (!(outputs instanceof ValueType.ObjectOf own) || own.fieldsOfStep() == null) {
            return Optional.of(outputs);
        }
        if (!steps.containsKey(own.fieldsOfStep())) {
            return Optional.empty();
        }
        if (!(steps.get(own.fieldsOfStep()) instanceof ValueType.ObjectOf base)) {
            return Optional.of(new ValueType.ObjectOf(own.fields(), ValueType.any(), null));
        }
        Map<String, ValueType> fields = new LinkedHashMap<>(base.fields());
        fields.putAll(own.fields());
        return Optional.of(new ValueType.ObjectOf(fields, own.others() != null ? own.others() : base.others(), null));
    }

    /** Why a path cannot be read here: what is wrong, and the detail after the place it is at. */
    record Unreadable(String problem, String detail) {
    }

    /** The type at a path, or why nothing is there. */
    sealed interface Lookup {
    }

    record Readable(ValueType type) implements Lookup {
    }

    record NotReadable(Unreadable why) implements Lookup {
    }

    Lookup lookup(List<Object> segments) {
        Object root = segments.get(0);
        if ("event".equals(root)) {
            return found(ValuePaths.resolve(event, segments, 1, "event"), " (" + eventTypes + ")");
        }
        if ("item".equals(root) && item != null) {
            return found(ValuePaths.resolve(item, segments, 1, "item"), "");
        }
        if (!"steps".equals(root) || !stepsReadable()) {
            List<String> roots = item != null ? List.of("event", "steps", "item") : stepsReadable() ? List.of("event", "steps") : List.of("event");
            return new NotReadable(new Unreadable("Unknown root '" + root + "'", "templates read only " + (roots.size() == 1 ? roots.get(0)
                    : String.join(", ", roots.subList(0, roots.size() - 1)) + " and " + roots.get(roots.size() - 1))
                    + DidYouMean.hint(String.valueOf(root), roots)));
        }
        if (segments.size() < 2 || !(segments.get(1) instanceof String step)) {
            return new NotReadable(new Unreadable("Incomplete path", "expected steps.<id>.<field>, e.g. steps.triage.label"));
        }
        if (!steps.containsKey(step)) {
            String rule = "A step reads only the outputs of steps before it";
            return new NotReadable(new Unreadable("Unknown step '" + step + "'", steps.isEmpty() ? "no step runs before this one. " + rule
                    : "expected one of the steps before this one " + steps.keySet() + DidYouMean.hintThen(step, steps.keySet(), rule)));
        }
        return found(ValuePaths.resolve(steps.get(step), segments, 2, "steps." + step), "");
    }

    /** The type at a path, when something is there. */
    Optional<ValueType> typeAt(List<Object> segments) {
        return lookup(segments) instanceof Readable readable ? Optional.of(readable.type()) : Optional.empty();
    }

    private static Lookup found(ValuePaths.Result result, String ofTypes) {
        if (result instanceof ValuePaths.Found found) {
            return new Readable(found.type());
        }
        ValuePaths.Missing missing = (ValuePaths.Missing) result;
        String detail = missing.detail();
        // name the event types after the prefix they are the fields of: "fields of event.data (ticket.created)"
        if (!ofTypes.isEmpty() && missing.what() == null && missing.segment() instanceof String) {
            detail = detail.replaceFirst(Pattern.quote(missing.prefix()) + " ",
                    Matcher.quoteReplacement(missing.prefix() + ofTypes + " "));
        }
        return new NotReadable(new Unreadable(missing.problem(), detail));
    }
}
