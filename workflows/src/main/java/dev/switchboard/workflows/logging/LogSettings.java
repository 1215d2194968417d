package dev.switchboard.workflows.logging;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The two environment variables {@code logback.xml} reads, checked before anything logs: logback
 * would quietly fall back (an unknown level becomes DEBUG), so a typo would change what an operator
 * sees without a word.
 *
 * @param format how lines are written
 * @param level  Switchboard's own level, upper case; null when unset (the configuration's default)
 */
public record LogSettings(LogFormat format, String level) {

    public static final String FORMAT_VARIABLE = "SWITCHBOARD_LOG_FORMAT";
    public static final String LEVEL_VARIABLE = "SWITCHBOARD_LOG_LEVEL";
    /** The levels logback reads (in any case). */
    static final List<String> LEVELS = List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

    /** Reads both variables; an unknown value is an {@link IllegalArgumentException} that says what is allowed. */
    public static LogSettings from(Function<String, String> environment) {
        LogFormat format = LogFormat.parse(environment.apply(FORMAT_VARIABLE));
        String level = environment.apply(LEVEL_VARIABLE);
        if (level == null || level.isEmpty()) {
            return new LogSettings(format, null);
        }
        String upper = level.toUpperCase(Locale.ROOT);
        if (!LEVELS.contains(upper)) {
            throw new IllegalArgumentException("Unknown log level at " + LEVEL_VARIABLE + ": got '" + level + "', expected one of "
                    + String.join(", ", LEVELS).toLowerCase(Locale.ROOT) + ". Set it to info to see start-up and admin actions, or unset it for warn");
        }
        return new LogSettings(format, upper);
    }
}
