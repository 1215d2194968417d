package dev.switchboard.workflows.logging;

import java.util.Locale;

/** How log lines are written: {@code SWITCHBOARD_LOG_FORMAT}, in any case. */
public enum LogFormat {
    /** One line of text per event, for people. */
    TEXT,
    /** One JSON object per line, for log collectors. */
    JSON;

    /** The format a value names; unset or empty means {@link #TEXT}. */
    public static LogFormat parse(String value) {
        if (value == null || value.isEmpty()) {
            return TEXT;
        }
        for (LogFormat format : values()) {
            if (format.name().equalsIgnoreCase(value)) {
                return format;
            }
        }
        throw new IllegalArgumentException("Unknown log format at " + LogSettings.FORMAT_VARIABLE + ": got '" + value
                + "', expected text or json. Set it to json for one JSON object per line, or unset it for text");
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}
