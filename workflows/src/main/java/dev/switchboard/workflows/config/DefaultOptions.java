package dev.switchboard.workflows.config;

import dev.switchboard.schemas.options.OptionsBinder;
import dev.switchboard.schemas.options.Problems;
import java.util.List;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * An options record as an empty mapping binds: every option at its declared default. A section the
 * file leaves out is built here, so its defaults come from the same {@code @Option(defaultValue)} as
 * a section the file writes, and nothing repeats them.
 */
public final class DefaultOptions {

    private DefaultOptions() {
    }

    public static <R extends Record> R of(Class<R> type) {
        Problems problems = new Problems("(defaults of " + type.getSimpleName() + ")");
        R record = new OptionsBinder(problems, (option, value, node, path) -> { })
                .bind(type, new MappingNode(Tag.MAP, List.of(), DumperOptions.FlowStyle.FLOW), "");
        if (record == null) {
            throw new IllegalStateException(type.getName() + " has no defaults for every option: " + problems.list());
        }
        return record;
    }
}
