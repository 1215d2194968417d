package dev.switchboard.schemas;

import java.util.Comparator;

/**
 * One problem found in a workflow or configuration file: where it is and how to fix it.
 *
 * @param file    the file, as given by the user
 * @param line    1-based line, or 0 when unknown
 * @param path    the path inside the document, e.g. {@code steps[0].classify.labels}
 * @param message {@code <what> at <path>: got '<value>', expected <allowed>. <how to fix>}
 */
public record Problem(String file, int line, String path, String message) {

    public static final Comparator<Problem> BY_POSITION =
            Comparator.comparing(Problem::file).thenComparingInt(Problem::line).thenComparing(Problem::path);

    @Override
    public String toString() {
        return file + ":" + line + ": " + message;
    }
}
