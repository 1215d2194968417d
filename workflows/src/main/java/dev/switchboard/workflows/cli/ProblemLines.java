package dev.switchboard.workflows.cli;

import dev.switchboard.schemas.Problem;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The problems of the files a command reads, as it prints them: one a line, each file's errors and warnings
 * in the order of their lines. Warnings alone are printed and the command goes on; an error stops it.
 */
final class ProblemLines {

    private final List<Problem> lines = new ArrayList<>();
    private boolean failed;

    /** One file's errors and warnings. */
    void add(List<Problem> errors, List<Problem> warnings) {
        List<Problem> file = new ArrayList<>(errors);
        file.addAll(warnings);
        file.sort(Problem.BY_POSITION);
        lines.addAll(file);
        failed |= !errors.isEmpty();
    }

    void addError(Problem error) {
        lines.add(error);
        failed = true;
    }

    /** Prints warnings to {@code err}; when there is an error, throws every line, warnings too, as a {@link CommandFailure}. */
    void report(PrintWriter err) {
        if (failed) {
            throw CommandFailure.invalid(lines.stream().map(Object::toString).collect(Collectors.joining(System.lineSeparator())));
        }
        lines.forEach(err::println);
    }
}
