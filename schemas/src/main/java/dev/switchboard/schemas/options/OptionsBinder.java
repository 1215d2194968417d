package dev.switchboard.schemas.options;

import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.options.OptionField;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.io.StringReader;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * Binds a YAML node to an options record, reporting every problem (unknown keys with a suggestion,
 * missing required options, wrong types, values out of bounds or not allowed) at its line and path.
 * Driven entirely by the record's {@link Option} annotations, the same ones the JSON Schema is
 * generated from.
 */
public final class OptionsBinder {

    /** Called for every option marked as a template or a CEL expression, to check it in context. */
    public interface ExpressionCheck {
        void check(Option option, String value, Node node, String path);
    }

    /**
     * Called for every option that names a file ({@link Option#file()}): the value to bind instead (the resolved path),
     * or null when the path is refused, in which case the resolver has reported why.
     */
    public interface FileResolver {
        String resolve(Option option, String value, Node node, String path);

        /** Binds paths as written: for files the operator writes, whose paths the reader resolves itself. */
        FileResolver AS_WRITTEN = (option, value, node, path) -> value;
    }

    private final Problems problems;
    private final ExpressionCheck expressions;
    private final FileResolver files;

    public OptionsBinder(Problems problems, ExpressionCheck expressions) {
        this(problems, expressions, FileResolver.AS_WRITTEN);
    }

    public OptionsBinder(Problems problems, ExpressionCheck expressions, FileResolver files) {
        this.problems = problems;
        this.expressions = expressions;
        this.files = files;
    }

    /** Returns the record, or null when the node has problems (all of which are reported). */
    public <R extends Record> R bind(Class<R> type, Node node, String path) {
        if (!(node instanceof MappingNode mapping)) {
            problems.add(node, path, "Wrong type at " + path + ": got " + describe(node) + ", expected a mapping of options ("
                    + OptionField.of(type).stream().map(OptionField::key).collect(Collectors.joining(", ")) + ")");
            return null;
        }
        List<OptionField> fields = OptionField.of(type);
        Map<String, OptionField> byKey = new LinkedHashMap<>();
        fields.forEach(field -> byKey.put(field.key(), field));
        Map<String, NodeTuple> given = new LinkedHashMap<>();
        int before = problems.size();
        for (NodeTuple tuple : mapping.getValue()) {
            String key = keyOf(tuple, path);
            if (key == null) {
                continue;
            }
            if (!byKey.containsKey(key)) {
                problems.add(tuple.getKeyNode(), join(path, key), "Unknown option '" + key + "' at " + path
                        + DidYouMean.hint(key, byKey.keySet()) + (DidYouMean.closest(key, byKey.keySet()).isPresent() ? " " : ". ") + "Known options: " + String.join(", ", byKey.keySet()));
                continue;
            }
            if (given.put(key, tuple) != null) {
                problems.add(tuple.getKeyNode(), join(path, key), "Duplicate key '" + key + "' at " + path + ". Keep one");
            }
        }
        R record = construct(type, node, given, path, Map.of());
        return problems.size() > before ? null : record;
    }

    /** Builds the record from the given keys, its groups from the same keys, applying each option's declared default. */
    @SuppressWarnings("unchecked")
    private <R extends Record> R construct(Class<R> type, Node node, Map<String, NodeTuple> given, String path,
            Map<String, String> defaults) {
        RecordComponent[] components = type.getRecordComponents();
        Object[] values = new Object[components.length];
        int before = problems.size();
        for (int i = 0; i < components.length; i++) {
            if (OptionField.isGroup(components[i])) {
                values[i] = construct((Class<? extends Record>) components[i].getType(), node, given, path,
                        OptionField.groupDefaults(components[i], defaults));
                continue;
            }
            OptionField field = OptionField.field(components[i], defaults);
            NodeTuple tuple = given.get(field.key());
            String fieldPath = join(path, field.key());
            if (tuple == null || isNull(tuple.getValueNode())) {
                if (field.option().required()) {
                    problems.add(tuple == null ? node : tuple.getKeyNode(), fieldPath, "Missing required option '" + field.key()
                            + "' at " + path + ". " + field.option().description());
                } else if (!field.defaultValue().isEmpty()) {
                    values[i] = defaultValue(field, fieldPath);
                }
                continue;
            }
            values[i] = value(field.genericType(), field.option(), tuple.getValueNode(), fieldPath);
        }
        if (problems.size() > before) {
            return null;
        }
        try {
            Constructor<R> constructor = type.getDeclaredConstructor(
                    Arrays.stream(components).map(RecordComponent::getType).toArray(Class<?>[]::new));
            constructor.setAccessible(true);
            return constructor.newInstance(values);
        } catch (InvocationTargetException e) {
            problems.add(node, path, "Invalid options at " + path + ": " + e.getCause().getMessage());
            return null;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("Cannot construct " + type.getName(), e);
        }
    }

    /** The declared default, bound like a value written in the file: the one place a default lives. */
    private Object defaultValue(OptionField field, String path) {
        String text = field.defaultValue();
        Class<?> raw = field.rawType();
        Node node;
        if (List.class.isAssignableFrom(raw) || Map.class.isAssignableFrom(raw) || raw.isRecord()) {
            node = new Yaml(new LoaderOptions()).compose(new StringReader(text));
        } else {
            node = new ScalarNode(Tag.STR, text, null, null, DumperOptions.ScalarStyle.PLAIN);
        }
        Problems own = new Problems("(default)");
        Object value = new OptionsBinder(own, (option, v, n, p) -> { }).value(field.genericType(), field.option(), node, path);
        if (!own.isEmpty()) {
            throw new IllegalStateException("The declared default of " + field.component().getDeclaringRecord().getName() + "."
                    + field.component().getName() + " is invalid: " + own.list());
        }
        return value;
    }

    @SuppressWarnings("unchecked")
    private Object value(Type type, Option option, Node node, String path) {
        Class<?> raw = OptionField.raw(type);
        if (raw.isRecord()) {
            return bind((Class<? extends Record>) raw, node, path);
        }
        if (List.class.isAssignableFrom(raw)) {
            if (!(node instanceof SequenceNode sequence)) {
                problems.add(node, path, "Wrong type at " + path + ": got " + describe(node) + ", expected a list. " + option.description());
                return null;
            }
            List<Object> list = new ArrayList<>();
            for (int i = 0; i < sequence.getValue().size(); i++) {
                list.add(value(OptionField.argument(type, 0), option, sequence.getValue().get(i), path + "[" + i + "]"));
            }
            return List.copyOf(list.stream().filter(v -> v != null).toList());
        }
        if (Map.class.isAssignableFrom(raw)) {
            if (!(node instanceof MappingNode mapping)) {
                problems.add(node, path, "Wrong type at " + path + ": got " + describe(node) + ", expected a mapping. " + option.description());
                return null;
            }
            Map<String, Object> map = new LinkedHashMap<>();
            for (NodeTuple tuple : mapping.getValue()) {
                String key = keyOf(tuple, path);
                if (key != null) {
                    if (map.containsKey(key)) {
                        problems.add(tuple.getKeyNode(), join(path, key), "Duplicate key '" + key + "' at " + path + ". Keep one");
                    }
                    map.put(key, value(OptionField.argument(type, 1), option, tuple.getValueNode(), join(path, key)));
                }
            }
            return java.util.Collections.unmodifiableMap(map);
        }
        if (!(node instanceof ScalarNode scalar)) {
            problems.add(node, path, "Wrong type at " + path + ": got " + describe(node) + ", expected " + expected(raw) + ". " + option.description());
            return null;
        }
        String text = scalar.getValue();
        Object value;
        try {
            if (raw == String.class) {
                value = text;
            } else if (raw == Integer.class || raw == int.class) {
                value = Integer.valueOf(text.trim());
            } else if (raw == Long.class || raw == long.class) {
                value = Long.valueOf(text.trim());
            } else if (raw == Double.class || raw == double.class) {
                value = Double.valueOf(text.trim());
            } else if (raw == Boolean.class || raw == boolean.class) {
                if (!text.equals("true") && !text.equals("false")) {
                    throw new NumberFormatException();
                }
                value = Boolean.valueOf(text);
            } else {
                throw new IllegalStateException("Unsupported option type " + type.getTypeName());
            }
        } catch (NumberFormatException e) {
            problems.add(node, path, "Wrong type at " + path + ": got '" + abbreviate(text) + "', expected " + expected(raw)
                    + ". " + option.description());
            return null;
        }
        if (value instanceof Number number) {
            if (!Double.isNaN(option.minimum()) && number.doubleValue() < option.minimum()
                    || !Double.isNaN(option.maximum()) && number.doubleValue() > option.maximum()) {
                problems.add(node, path, "Out of range at " + path + ": got '" + text + "', expected "
                        + bounds(option) + ". " + option.description());
                return null;
            }
        }
        if (value instanceof String string && option.allowed().length > 0 && !Set.of(option.allowed()).contains(string)) {
            problems.add(node, path, "Unknown value at " + path + ": got '" + abbreviate(string) + "', expected one of "
                    + String.join(", ", option.allowed()) + DidYouMean.hint(string, List.of(option.allowed())));
            return null;
        }
        if (value instanceof String string && (option.template() || option.cel())) {
            expressions.check(option, string, node, path);
        }
        if (value instanceof String string && option.file()) {
            return files.resolve(option, string, node, path);
        }
        return value;
    }

    private String keyOf(NodeTuple tuple, String path) {
        if (tuple.getKeyNode() instanceof ScalarNode key) {
            return key.getValue();
        }
        problems.add(tuple.getKeyNode(), path, "Wrong key at " + path + ": keys must be plain text");
        return null;
    }

    public static boolean isNull(Node node) {
        return node instanceof ScalarNode scalar && Tag.NULL.equals(scalar.getTag());
    }

    public static String describe(Node node) {
        if (node instanceof MappingNode) {
            return "a mapping";
        }
        if (node instanceof SequenceNode) {
            return "a list";
        }
        if (node instanceof ScalarNode scalar) {
            return Tag.NULL.equals(scalar.getTag()) ? "nothing" : "'" + abbreviate(scalar.getValue()) + "'";
        }
        return "nothing";
    }

    private static String expected(Class<?> raw) {
        String scalar = OptionField.scalarType(raw);
        return switch (scalar == null ? "string" : scalar) {
            case "integer" -> "a whole number";
            case "number" -> "a number";
            case "boolean" -> "true or false";
            default -> "text";
        };
    }

    private static String bounds(Option option) {
        boolean min = !Double.isNaN(option.minimum());
        boolean max = !Double.isNaN(option.maximum());
        if (min && max) {
            return "between " + number(option.minimum()) + " and " + number(option.maximum());
        }
        return min ? "at least " + number(option.minimum()) : "at most " + number(option.maximum());
    }

    private static String number(double value) {
        return value == Math.rint(value) ? Long.toString((long) value) : Double.toString(value);
    }

    public static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    public static String abbreviate(String text) {
        return text.length() > 80 ? text.substring(0, 80) + "…" : text;
    }
}
