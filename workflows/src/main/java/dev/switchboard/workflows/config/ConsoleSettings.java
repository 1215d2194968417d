package dev.switchboard.workflows.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.schemas.options.Option;

/** {@code admin.console:}: who may sign in to the web console, and for how long a sign-in lasts. */
public record ConsoleSettings(
        @Option(description = "YAML file of console users, relative to switchboard.yaml: `users: [{name, role, token_sha256}]`, role "
                + "`viewer`, `reviewer` or `operator`, and the SHA-256 of the user's token in hex (`printf %s \"$TOKEN\" | sha256sum`). "
                + "The admin token always signs in, as `admin` with the operator role. Unset: only the admin token signs in.")
        @JsonProperty("users_file") String usersFile,
        @Option(description = "Minutes a console sign-in lasts; then the user signs in again.", defaultValue = "480", minimum = 1,
                maximum = 10080)
        @JsonProperty("session_minutes") Integer sessionMinutes,
        @Option(description = "Folders whose evaluation and replay reports (`*.html`, `*.md`) the console lists, relative to "
                + "switchboard.yaml.", defaultValue = "[out/eval, out/replay]")
        @JsonProperty("report_folders") java.util.List<String> reportFolders) {

    public static ConsoleSettings defaults() {
        return DefaultOptions.of(ConsoleSettings.class);
    }
}
