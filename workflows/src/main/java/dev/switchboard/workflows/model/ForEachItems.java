package dev.switchboard.workflows.model;

import dev.switchboard.schemas.options.Problems;
import dev.switchboard.schemas.template.Template;
import dev.switchboard.schemas.types.ValueType;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;

/**
 * What the templates of a step that iterates ({@code for_each: <path to a list>}) read as {@code item}: the
 * type of the list's items, from the event's schema or the declared outputs of the step that makes the list.
 * A path that leads nowhere, or to something that is no list, is a problem at {@code for_each}.
 */
final class ForEachItems {

    private ForEachItems() {
    }

    /** The scope of a step's options: with {@code item} when they have a {@code for_each} path, else as it is. */
    static ReadScope scope(ReadScope scope, Node optionsNode, String optionsPath, Problems problems) {
        if (!(optionsNode instanceof MappingNode mapping)) {
            return scope;
        }
        for (NodeTuple option : mapping.getValue()) {
            if (option.getKeyNode() instanceof ScalarNode key && key.getValue().equals("for_each")
                    && option.getValueNode() instanceof ScalarNode value) {
                return scope.withItem(items(scope, value, optionsPath + ".for_each", problems));
            }
        }
        return scope;
    }

    private static ValueType items(ReadScope scope, ScalarNode value, String path, Problems problems) {
        Template.Path list;
        try {
            list = Template.path(value.getValue().strip());
        } catch (Template.TemplateException e) {
            return ValueType.any(); // the step's own check says what a for_each path must be
        }
        ReadScope.Lookup found = scope.lookup(list.segments());
        if (found instanceof ReadScope.NotReadable unreadable) {
            problems.add(value, path, unreadable.why().problem() + " in '" + list.text() + "' at " + path + ": " + unreadable.why().detail());
            return ValueType.any();
        }
        ValueType type = ((ReadScope.Readable) found).type();
        if (type instanceof ValueType.ListOf listOf) {
            return listOf.items();
        }
        if (!(type instanceof ValueType.Any) && !(type instanceof ValueType.OneOf)) {
            problems.add(value, path, "Not a list at " + path + ": got '" + list.text() + "', which is " + type.describe()
                    + ", expected a path to a list, such as an extract step's list field");
        }
        return ValueType.any();
    }
}
