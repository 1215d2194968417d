package dev.switchboard.connectors.testkit;

import dev.switchboard.schemas.options.OptionsBinder;
import dev.switchboard.schemas.options.Problems;
import java.io.StringReader;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;

/**
 * Options records bound from a YAML snippet by the engine's own binder, so a test gets every declared
 * default exactly as a configuration file would, and writes only the options it cares about.
 */
public final class YamlOptions {

    private YamlOptions() {
    }

    /** The options the snippet writes, the declared defaults for the rest; fails the test on any binding problem. */
    public static <R extends Record> R bind(Class<R> type, String yaml) {
        Problems problems = new Problems("test.yaml");
        R options = new OptionsBinder(problems, (option, value, node, path) -> { })
                .bind(type, new Yaml(new LoaderOptions()).compose(new StringReader(yaml)), "");
        if (options == null) {
            throw new IllegalArgumentException("Options do not bind: " + problems.list() + "\n" + yaml);
        }
        return options;
    }
}
