package dev.switchboard.workflows.model;

import dev.switchboard.schemas.options.DidYouMean;
import dev.switchboard.schemas.options.Problems;
import dev.switchboard.schemas.template.Template;
import dev.switchboard.schemas.types.ValueType;
import dev.switchboard.workflows.expr.CelReads;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Checks that what a template or a CEL expression reads can be there: each path against the event's schema
 * and the declared outputs of earlier steps, and each text compared with a value that has a fixed set (a
 * classify step's label, an enum of the event) against that set. Every problem has the line and path of the
 * option and, where a near name exists, a "did you mean".
 */
final class ReadChecks {

    private static final Set<String> ROOTS = Set.of("event", "steps");

    private final Problems problems;

    ReadChecks(Problems problems) {
        this.problems = problems;
    }

    /** A {@code {{ path }}} template: it must parse, and each of its paths must be readable. */
    void template(String value, Node node, String path, ReadScope scope) {
        Template template;
        try {
            template = Template.parse(value);
        } catch (Template.TemplateException e) {
            // put the path after what is wrong: "Unclosed placeholder at p in template '...'", "Invalid placeholder '{{ x }}' at p: ..."
            String message = e.getMessage();
            problems.add(node, path, message.contains(" in template")
                    ? message.replaceFirst(" in template", Matcher.quoteReplacement(" at " + path) + " in template")
                    : message.replaceFirst("}}': ", Matcher.quoteReplacement("}}' at " + path + ": ")));
            return;
        }
        for (Template.Path read : template.paths()) {
            if (scope.lookup(read.segments()) instanceof ReadScope.NotReadable unreadable) {
                problems.add(node, path, unreadable.why().problem() + " in '{{ " + read.text() + " }}' at " + path + ": "
                        + unreadable.why().detail());
            }
        }
    }

    /** A CEL expression that compiles: each path it reads must be readable, each text it compares with a fixed set must be in it. */
    void expression(String value, Node node, String path, ReadScope scope) {
        CelReads reads;
        try {
            reads = CelReads.of(value, ROOTS);
        } catch (IllegalArgumentException e) {
            return; // compiling it has reported why
        }
        Set<String> reported = new HashSet<>();
        for (CelReads.Read read : reads.reads()) {
            if (scope.lookup(read.segments()) instanceof ReadScope.NotReadable unreadable && reported.add(read.text())) {
                problems.add(node, path, unreadable.why().problem() + " in '" + read.text() + "' at " + path + ": " + unreadable.why().detail());
            }
        }
        for (CelReads.Comparison comparison : reads.comparisons()) {
            if (scope.typeAt(comparison.path().segments()).orElse(null) instanceof ValueType.Text text && !text.values().isEmpty()) {
                String noun = comparison.path().text().startsWith("steps.") && comparison.path().text().endsWith(".label") ? "label" : "value";
                for (String literal : comparison.texts()) {
                    if (!text.values().contains(literal)) {
                        problems.add(node, path, "Unknown " + noun + " '" + literal + "' compared with " + comparison.path().text() + " at " + path
                                + ": got '" + literal + "', expected one of " + text.values() + DidYouMean.hint(literal, text.values()));
                    }
                }
            }
        }
    }
}
