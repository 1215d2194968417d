package dev.switchboard.schemas;

import java.util.Comparator;
import java.util.Objects;

/**
 * One problem found in a workflow or configuration file: where it is and how to fix it.
 *
 * @param file     the file, as given by the user
 * @param line     1-based line, or 0 when unknown
 * @param path     the path inside the document, e.g. {@code steps[0].classify.labels}
 * @param message  {@code <what> at <path>: got '<value>', expected <allowed>. <how to fix>}
 * @param severity an error keeps the file from loading; a warning is shown and loading goes on
 */
public record Problem(String file, int line, String path, String message, Severity severity) {

    /** How much a problem matters. */
    public enum Severity { ERROR, WARNING }

    public static final Comparator<Problem> BY_POSITION =
            Comparator.comparing(Problem::file).thenComparingInt(Problem::line).thenComparing(Problem::path);

    public Problem {
        Objects.requireNonNull(severity, "severity");
    }

    /** An error. */
    public Problem(String file, int line, String path, String message) {
        this(file, line, path, message, Severity.ERROR);
    }

    public static Problem warning(String file, int line, String path, String message) {
        return new Problem(file, line, path, message, Severity.WARNING);
    }

    public boolean isWarning() {
        return severity == Severity.WARNING;
    }

    /** {@code file:line: message}, or {@code file:line: warning: message}. */
    @Override
    public String toString() {
        return file + ":" + line + ": " + (isWarning() ? "warning: " : "") + message;
    }
}
