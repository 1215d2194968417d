package dev.switchboard.workflows.console;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** What a console user may do; each role may do what the ones before it may. */
public enum Role {
    /** Reads every page. */
    VIEWER,
    /** Also decides reviews. */
    REVIEWER,
    /** Also pauses and resumes workflows and re-drives dead letters. */
    OPERATOR;

    public boolean allows(Role needed) {
        return compareTo(needed) >= 0;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException in the house shape when the text names no role */
    public static Role parse(String text, String path) {
        for (Role role : values()) {
            if (role.label().equals(text)) {
                return role;
            }
        }
        throw new IllegalArgumentException("Unknown role at " + path + ": got '" + text + "', expected one of "
                + Arrays.stream(values()).map(Role::label).collect(Collectors.joining(", ")) + ". Give each user one of them");
    }
}
