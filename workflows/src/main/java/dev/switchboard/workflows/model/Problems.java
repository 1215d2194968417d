package dev.switchboard.workflows.model;

import dev.switchboard.schemas.Problem;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import org.yaml.snakeyaml.nodes.Node;

/** Collects every problem of one file, each with its line and path. */
public final class Problems {

    private final String file;
    private final List<Problem> list = new ArrayList<>();

    public Problems(String file) {
        this.file = file;
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

    public void addAll(Collection<Problem> problems) {
        list.addAll(problems);
    }

    public boolean isEmpty() {
        return list.isEmpty();
    }

    public int size() {
        return list.size();
    }

    public List<Problem> list() {
        return list.stream().sorted(Problem.BY_POSITION).toList();
    }
}
