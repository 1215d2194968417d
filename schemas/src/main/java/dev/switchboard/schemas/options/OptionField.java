package dev.switchboard.schemas.options;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;

/**
 * One option of an options record, as read from its record component: the YAML key (snake_case via
 * {@link JsonProperty}, else the component name), its Java type and its {@link Option} metadata.
 * Schema generation, binding and docs all read options through this class.
 */
public record OptionField(String key, RecordComponent component, Option option) {

    /**
     * The options of a record, in declaration order, with the options of its {@link OptionGroup groups}
     * flattened in at the group's place.
     */
    @SuppressWarnings("unchecked")
    public static List<OptionField> of(Class<? extends Record> type) {
        List<OptionField> fields = new ArrayList<>();
        for (RecordComponent component : type.getRecordComponents()) {
            if (isGroup(component)) {
                fields.addAll(of((Class<? extends Record>) component.getType()));
            } else {
                fields.add(field(component));
            }
        }
        java.util.Set<String> keys = new java.util.HashSet<>();
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
        if (component.getAnnotation(OptionGroup.class) == null && component.getAccessor().getAnnotation(OptionGroup.class) == null) {
            return false;
        }
        if (!component.getType().isRecord()) {
            throw new IllegalStateException(component.getDeclaringRecord().getName() + "." + component.getName()
                    + " is an @OptionGroup but not a record");
        }
        return true;
    }

    /** The option a (non-group) component declares. */
    public static OptionField field(RecordComponent component) {
        Option option = component.getAnnotation(Option.class);
        if (option == null) {
            throw new IllegalStateException(component.getDeclaringRecord().getName() + "." + component.getName()
                    + " has no @Option; every option needs a description");
        }
        // @JsonProperty cannot target record components; javac puts it on the accessor and the field.
        JsonProperty property = component.getAccessor().getAnnotation(JsonProperty.class);
        String key = property != null && !property.value().isEmpty() ? property.value() : component.getName();
        return new OptionField(key, component, option);
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
