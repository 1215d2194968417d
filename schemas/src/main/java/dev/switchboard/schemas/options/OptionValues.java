package dev.switchboard.schemas.options;

import dev.switchboard.schemas.Problem;
import java.io.StringReader;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Options records built in code (by tests, benchmarks and builders) through the same {@link OptionsBinder}
 * as a workflow file, so that the declared defaults, bounds and allowed values hold there too and no
 * caller writes a default of its own.
 */
public final class OptionValues {

    private OptionValues() {
    }

    /**
     * Options written as YAML, e.g. {@code "input: '{{ event.data.body }}'\nmodel: fast"}.
     *
     * @throws IllegalArgumentException naming every problem, as the loader would report them
     */
    public static <R extends Record> R fromYaml(Class<R> type, String yaml) {
        return bind(type, new Yaml(new LoaderOptions()).compose(new StringReader(yaml)));
    }

    /**
     * Options by their YAML keys, with plain values (text, numbers, booleans, lists and maps of them);
     * a null value counts as not written.
     *
     * @throws IllegalArgumentException naming every problem, as the loader would report them
     */
    public static <R extends Record> R fromMap(Class<R> type, Map<String, ?> values) {
        Map<String, Object> written = new LinkedHashMap<>();
        values.forEach((key, value) -> {
            if (value != null) {
                written.put(key, value);
            }
        });
        // written out and read back, so that every node has the position the binder reports problems at
        return fromYaml(type, new Yaml().dump(written));
    }

    private static <R extends Record> R bind(Class<R> type, Node node) {
        Problems problems = new Problems(type.getSimpleName());
        R options = new OptionsBinder(problems, (option, value, at, path) -> { }).bind(type, node, "options");
        if (options == null) {
            throw new IllegalArgumentException("Invalid " + type.getName() + ": "
                    + problems.list().stream().map(Problem::message).collect(Collectors.joining("; ")));
        }
        return options;
    }
}
