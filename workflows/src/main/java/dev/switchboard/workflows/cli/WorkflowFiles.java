package dev.switchboard.workflows.cli;

import dev.switchboard.schemas.Problem;
import dev.switchboard.workflows.model.Workflow;
import dev.switchboard.workflows.model.WorkflowLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/** Workflow files named on the command line: files, or every {@code *.yaml} / {@code *.yml} of a folder. */
final class WorkflowFiles {

    private WorkflowFiles() {
    }

    /** The files named, and the workflow files in the folders named (not {@code switchboard.yaml}), sorted. */
    static List<Path> expand(List<Path> paths) throws IOException {
        List<Path> files = new ArrayList<>();
        for (Path path : paths) {
            if (Files.isDirectory(path)) {
                try (Stream<Path> list = Files.list(path)) {
                    list.filter(p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                            .filter(p -> !p.getFileName().toString().equals("switchboard.yaml"))
                            .sorted().forEach(files::add);
                }
            } else {
                files.add(path);
            }
        }
        return files;
    }

    /** Every workflow of the files: warnings printed to {@code err}; every problem of every file, one a line, as a {@link CommandFailure}. */
    static List<Workflow> load(WorkflowLoader loader, List<Path> files, PrintWriter err) {
        List<Workflow> workflows = new ArrayList<>();
        ProblemLines lines = new ProblemLines();
        for (Path file : files) {
            WorkflowLoader.Result result = loader.load(file);
            lines.add(result.problems(), result.warnings());
            if (result.ok()) {
                workflows.add(result.workflow());
            }
        }
        Set<String> names = new HashSet<>();
        for (Workflow workflow : workflows) {
            if (!names.add(workflow.name())) {
                lines.addError(new Problem(workflow.file().toString(), 1, "name", "Duplicate workflow name '" + workflow.name()
                        + "': names must be unique, they name consumer groups. Rename one"));
            }
        }
        lines.report(err);
        return workflows;
    }
}
