package dev.switchboard.workflows.config;

import dev.switchboard.schemas.options.DidYouMean;
import dev.switchboard.schemas.options.OptionsBinder;
import dev.switchboard.schemas.options.Problems;
import dev.switchboard.workflows.model.InstalledTypes;
import java.util.function.Function;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;

/**
 * Reads a section of named entries that each hold exactly one installed type with its options, as
 * {@code sinks:} and {@code sources:} do; every problem is added, and each entry that binds is handed on.
 *
 * @param kind     what an entry is, in messages: {@code sink}, {@code source}
 * @param example  added to the message of an entry that is not one type with its options
 */
record TypedEntries<F>(String kind, String example, InstalledTypes<F> types, Function<F, Class<? extends Record>> optionsType) {

    /** One entry whose options bound: {@code at} is its options' node and {@code path} their path. */
    record Entry<F>(String name, String type, F factory, Record options, Node at, String path) {
    }

    @FunctionalInterface
    interface Reader<F> {
        void read(Entry<F> entry);
    }

    void read(Node section, OptionsBinder binder, Problems problems, Reader<F> reader) {
        String sectionName = kind + "s";
        if (!(section instanceof MappingNode entries)) {
            if (section != null) {
                problems.add(section, sectionName, "Wrong type at " + sectionName + ": expected a mapping of " + kind + " names to "
                        + sectionName);
            }
            return;
        }
        for (NodeTuple tuple : entries.getValue()) {
            String name = EngineConfigLoader.keyText(tuple.getKeyNode());
            String path = sectionName + "." + name;
            if (!(tuple.getValueNode() instanceof MappingNode mapping) || mapping.getValue().size() != 1) {
                problems.add(tuple.getValueNode(), path, "Wrong " + kind + " at " + path + ": expected exactly one " + kind + " type ("
                        + String.join(", ", types.all().keySet()) + ") with its options" + example);
                continue;
            }
            NodeTuple typed = mapping.getValue().get(0);
            String type = EngineConfigLoader.keyText(typed.getKeyNode());
            F factory = types.get(type);
            if (factory == null) {
                problems.add(typed.getKeyNode(), path, "Unknown " + kind + " type '" + type + "' at " + path
                        + DidYouMean.hintThen(type, types.all().keySet(), "Installed: " + String.join(", ", types.all().keySet())));
                continue;
            }
            Record options = binder.bind(optionsType.apply(factory), typed.getValueNode(), path + "." + type);
            if (options != null) {
                reader.read(new Entry<>(name, type, factory, options, typed.getValueNode(), path + "." + type));
            }
        }
    }
}
