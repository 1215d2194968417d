package dev.switchboard.schemas.options;

import dev.switchboard.schemas.Problem;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Collects every problem of one file, each with its line and path: the errors that keep it from
 * loading and the warnings shown beside it. A missing secret is an error where the engine would use
 * it, and a warning where nothing is sent ({@link #forChecks}).
 */
public final class Problems {

    private final String file;
    private final boolean missingSecretsAreWarnings;
    private final List<Problem> list = new ArrayList<>();
    private final List<Problem> warnings = new ArrayList<>();

    /** Problems of a file the engine runs: a missing secret is an error. */
    public Problems(String file) {
        this(file, false);
    }

    private Problems(String file, boolean missingSecretsAreWarnings) {
        this.file = file;
        this.missingSecretsAreWarnings = missingSecretsAreWarnings;
    }

    /** Problems of a file that is only checked ({@code validate}, {@code eval}): a missing secret is a warning. */
    public static Problems forChecks(String file) {
        return new Problems(file, true);
    }

    public String file() {
        return file;
    }

    public void add(Node node, String path, String message) {
        add(node == null ? 0 : node.getStartMark().getLine() + 1, path, message);
    }

    public void add(int line, String path, String message) {
        list.add(new Problem(file, line, path, message));
    }

    /** A warning: shown, but the file still loads. */
    public void warn(Node node, String path, String message) {
        warnings.add(Problem.warning(file, node == null ? 0 : node.getStartMark().getLine() + 1, path, message));
    }

    /**
     * A factory's problem with options bound from {@code optionsNode} at {@code optionsPath}: reported at the line of
     * the option its path names (or of the deepest part of that path the file has), with the message naming the full path.
     */
    public void add(Node optionsNode, String optionsPath, OptionProblem problem) {
        Node at = nodeAt(optionsNode, problem.path());
        boolean warning = problem.severity() == OptionProblem.Severity.WARNING
                || problem.severity() == OptionProblem.Severity.MISSING_SECRET && missingSecretsAreWarnings;
        if (warning) {
            warn(at, problem.fullPath(optionsPath), problem.message(optionsPath));
        } else {
            add(at, problem.fullPath(optionsPath), problem.message(optionsPath));
        }
    }

    /** The key node (or list item) at a relative path such as {@code examples.billing} or {@code fields[2].name}, or the deepest found. */
    public static Node nodeAt(Node node, String path) {
        Node current = node;
        Node found = node;
        if (path == null || path.isEmpty()) {
            return node;
        }
        for (String part : path.replace("[", ".[").split("\\.")) {
            if (part.isEmpty()) {
                continue;
            }
            if (part.startsWith("[") && part.endsWith("]") && current instanceof SequenceNode sequence) {
                int index;
                try {
                    index = Integer.parseInt(part.substring(1, part.length() - 1));
                } catch (NumberFormatException e) {
                    break;
                }
                if (index < 0 || index >= sequence.getValue().size()) {
                    break;
                }
                current = sequence.getValue().get(index);
                found = current;
                continue;
            }
            NodeTuple tuple = null;
            if (current instanceof MappingNode mapping) {
                for (NodeTuple candidate : mapping.getValue()) {
                    if (candidate.getKeyNode() instanceof ScalarNode scalar && scalar.getValue().equals(part)) {
                        tuple = candidate;
                    }
                }
            }
            if (tuple == null) {
                break;
            }
            found = tuple.getKeyNode();
            current = tuple.getValueNode();
        }
        return found;
    }

    /** Adds problems found elsewhere, each to the errors or the warnings by its severity. */
    public void addAll(Collection<Problem> problems) {
        problems.forEach(problem -> (problem.isWarning() ? warnings : list).add(problem));
    }

    /** Whether there is no error (warnings do not count). */
    public boolean isEmpty() {
        return list.isEmpty();
    }

    /** The number of errors. */
    public int size() {
        return list.size();
    }

    /** The errors, by position. */
    public List<Problem> list() {
        return list.stream().sorted(Problem.BY_POSITION).toList();
    }

    /** The warnings, by position. */
    public List<Problem> warnings() {
        return warnings.stream().sorted(Problem.BY_POSITION).toList();
    }
}
