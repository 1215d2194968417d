package dev.switchboard.schemas.options;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One option of an options record, as read from its record component: the YAML key (snake_case via
 * {@link JsonProperty}, else the component name), its Java type, its {@link Option} metadata and its
 * default: the option's own, or the one the {@link OptionGroup group} it is read through gives it.
 * Schema generation, binding and docs all read options through this class.
 */
public record OptionField(String key, RecordComponent component, Option option, String defaultValue) {

    /**
     * The options of a record, in declaration order, with the options of its {@link OptionGroup groups}
     * flattened in at the group's place.
     */
    public static List<OptionField> of(Class<? extends Record> type) {
        return of(type, Map.of());
    }

    /** The options of a record read through a group whose use gives them the {@code defaults} (key to default). */
    @SuppressWarnings("unchecked")
    public static List<OptionField> of(Class<? extends Record> type, Map<String, String> defaults) {
        List<OptionField> fields = new ArrayList<>();
        for (RecordComponent component : type.getRecordComponents()) {
            if (isGroup(component)) {
                Map<String, String> groupDefaults = groupDefaults(component, defaults);
                List<OptionField> group = of((Class<? extends Record>) component.getType(), groupDefaults);
                Set<String> groupKeys = group.stream().map(OptionField::key).collect(Collectors.toSet());
                for (OptionGroup.Default given : annotation(component).defaults()) {
                    if (!groupKeys.contains(given.option())) {
                        throw new IllegalStateException(type.getName() + "." + component.getName() + " gives a default to '"
                                + given.option() + "', which is not an option of " + component.getType().getName());
                    }
                }
                fields.addAll(group);
            } else {
                fields.add(field(component, defaults));
            }
        }
        Set<String> keys = new HashSet<>();
        for (OptionField field : fields) {
            if (!keys.add(field.key())) {
                throw new IllegalStateException(type.getName() + " declares option '" + field.key()
                        + "' twice (directly or through a group)");
            }
        }
        return List.copyOf(fields);
    }

    /** True for a component marked {@link OptionGroup}: a record whose options are flattened into its parent's. */
    public static boolean isGroup(RecordComponent component) {
        if (annotation(component) == null) {
            return false;
        }
        if (!component.getType().isRecord()) {
            throw new IllegalStateException(component.getDeclaringRecord().getName() + "." + component.getName()
                    + " is an @OptionGroup but not a record");
        }
        return true;
    }

    private static OptionGroup annotation(RecordComponent component) {
        OptionGroup group = component.getAnnotation(OptionGroup.class);
        return group != null ? group : component.getAccessor().getAnnotation(OptionGroup.class);
    }

    /**
     * The defaults the options of a group component are read with: those its use gives them, unless the
     * group it is itself read through ({@code outer}) gives another, for the outermost use decides.
     */
    public static Map<String, String> groupDefaults(RecordComponent group, Map<String, String> outer) {
        OptionGroup.Default[] given = annotation(group).defaults();
        if (given.length == 0) {
            return outer;
        }
        Map<String, String> defaults = new HashMap<>();
        for (OptionGroup.Default one : given) {
            defaults.put(one.option(), one.value());
        }
        defaults.putAll(outer);
        return Map.copyOf(defaults);
    }

    /** The option a (non-group) component declares, with the {@code defaults} a group's use gives (key to default). */
    public static OptionField field(RecordComponent component, Map<String, String> defaults) {
        Option option = component.getAnnotation(Option.class);
        if (option == null) {
            throw new IllegalStateException(component.getDeclaringRecord().getName() + "." + component.getName()
                    + " has no @Option; every option needs a description");
        }
        // @JsonProperty cannot target record components; javac puts it on the accessor and the field.
        JsonProperty property = component.getAccessor().getAnnotation(JsonProperty.class);
        String key = property != null && !property.value().isEmpty() ? property.value() : component.getName();
        return new OptionField(key, component, option, defaults.getOrDefault(key, option.defaultValue()));
    }

    public Type genericType() {
        return component.getGenericType();
    }

    public Class<?> rawType() {
        return component.getType();
    }

    /** The n-th type argument of a parameterized type (List&lt;X&gt; → X, Map&lt;String, X&gt; → X for n = 1). */
    public static Type argument(Type type, int n) {
        if (type instanceof ParameterizedType parameterized) {
            return parameterized.getActualTypeArguments()[n];
        }
        return Object.class;
    }

    /**
     * The JSON Schema type of a scalar option type ({@code string}, {@code integer} for whole numbers, {@code number},
     * {@code boolean}); null for any other type (lists, maps, records), which the caller describes itself.
     */
    public static String scalarType(Class<?> raw) {
        if (raw == String.class) {
            return "string";
        }
        if (raw == Integer.class || raw == int.class || raw == Long.class || raw == long.class) {
            return "integer";
        }
        if (raw == Double.class || raw == double.class) {
            return "number";
        }
        return raw == Boolean.class || raw == boolean.class ? "boolean" : null;
    }

    public static Class<?> raw(Type type) {
        if (type instanceof Class<?> c) {
            return c;
        }
        if (type instanceof ParameterizedType parameterized) {
            return (Class<?>) parameterized.getRawType();
        }
        return Object.class;
    }
}
