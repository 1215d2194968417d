package dev.switchboard.schemas.options;

import java.util.Objects;

/**
 * A problem a factory's {@code check} finds in its options, built on the option's path so that the
 * loader reports it at that option's line without reading the message:
 * {@code OptionProblem.at("labels", "Too few labels").got("1").expected("at least two").fix("Add a label")}.
 *
 * <p>The message follows the house shape {@code <what> at <path>: got '<value>', expected <allowed>. <how to fix>}
 * with the path the loader gives it (the option's full path in the file).
 *
 * @param path     the option's path relative to the options it checks: {@code labels}, {@code examples.billing},
 *                 {@code fields[2].name}; empty for the options as a whole
 * @param what     what is wrong, e.g. {@code Unknown model}
 * @param got      the offending value, or null
 * @param expected what is allowed, or null
 * @param fix      how to fix it, or null
 * @param severity an error keeps the file from loading; a warning is reported and loading goes on; a missing
 *                 secret is an error where the engine would use it ({@code run}) and a warning where nothing is
 *                 sent ({@code validate}, {@code eval})
 */
public record OptionProblem(String path, String what, String got, String expected, String fix, Severity severity) {

    /** How much a problem matters. */
    public enum Severity { ERROR, WARNING, MISSING_SECRET }

    public OptionProblem {
        path = path == null ? "" : path;
        Objects.requireNonNull(what, "what");
        Objects.requireNonNull(severity, "severity");
    }

    /** An error at an option, relative to the options checked ({@code ""} for the options as a whole). */
    public static OptionProblem at(String path, String what) {
        return new OptionProblem(path, what, null, null, null, Severity.ERROR);
    }

    public OptionProblem got(Object value) {
        return new OptionProblem(path, what, value == null ? null : String.valueOf(value), expected, fix, severity);
    }

    public OptionProblem expected(String allowed) {
        return new OptionProblem(path, what, got, allowed, fix, severity);
    }

    public OptionProblem fix(String howToFix) {
        return new OptionProblem(path, what, got, expected, howToFix, severity);
    }

    public OptionProblem warning() {
        return new OptionProblem(path, what, got, expected, fix, Severity.WARNING);
    }

    public OptionProblem missingSecret() {
        return new OptionProblem(path, what, got, expected, fix, Severity.MISSING_SECRET);
    }

    /** The same problem one level down: {@code under("auth")} turns {@code secret_env} into {@code auth.secret_env}. */
    public OptionProblem under(String prefix) {
        return new OptionProblem(join(prefix, path), what, got, expected, fix, severity);
    }

    /** The path below {@code optionsPath} (the options' own path in the file, e.g. {@code steps[0].classify}). */
    public String fullPath(String optionsPath) {
        return join(optionsPath, path);
    }

    /** The message, naming the option by its full path below {@code optionsPath}. */
    public String message(String optionsPath) {
        String at = fullPath(optionsPath);
        StringBuilder message = new StringBuilder(what);
        if (!at.isEmpty()) {
            message.append(" at ").append(at);
        }
        if (got != null || expected != null) {
            message.append(':');
            if (got != null) {
                message.append(" got '").append(OptionsBinder.abbreviate(got)).append('\'');
            }
            if (expected != null) {
                message.append(got != null ? ", expected " : " expected ").append(expected);
            }
        }
        if (fix != null && !fix.isEmpty()) {
            // a fix that brings its own punctuation ("; did you mean 'x'?") follows directly
            message.append(":;,. ".indexOf(fix.charAt(0)) >= 0 ? "" : ". ").append(fix);
        }
        return message.toString();
    }

    private static final java.util.regex.Pattern LEGACY_PATH = java.util.regex.Pattern.compile(" at ([A-Za-z0-9_.\\[\\]-]+?)([:.;,]?(?:\\s|$).*)", java.util.regex.Pattern.DOTALL);

    /**
     * A problem from a message written as prose ({@code "Too few labels at labels: ..."}), its path read back
     * from the message. Only for factories not yet converted to {@link #at}; to be removed with the last of them.
     */
    @Deprecated(forRemoval = true)
    public static OptionProblem fromMessage(String message) {
        Severity severity = UNSET_SECRET.matcher(message).find() ? Severity.MISSING_SECRET : Severity.ERROR;
        java.util.regex.Matcher at = LEGACY_PATH.matcher(message);
        if (!at.find()) {
            return new OptionProblem("", message, null, null, null, severity);
        }
        String tail = at.group(2);
        return new OptionProblem(at.group(1), message.substring(0, at.start()), null, null,
                tail.isEmpty() ? null : tail, severity);
    }

    /**
     * How the unconverted factories say that a secret they name is absent from this environment (a variable not set, a
     * file not there), as opposed to one the configuration does not name at all, which stays an error everywhere.
     */
    private static final java.util.regex.Pattern UNSET_SECRET = java.util.regex.Pattern.compile(
            "^Missing secret at \\S+: (environment variable '[^']*' is not set|cannot read '|'[^']*' does not exist, cannot be read or is empty)");

    /** The message relative to the options checked, as a factory's own caller (a test, a log line) shows it. */
    @Override
    public String toString() {
        return message("");
    }

    private static String join(String prefix, String path) {
        if (prefix == null || prefix.isEmpty()) {
            return path;
        }
        if (path.isEmpty()) {
            return prefix;
        }
        return path.startsWith("[") ? prefix + path : prefix + "." + path;
    }
}
