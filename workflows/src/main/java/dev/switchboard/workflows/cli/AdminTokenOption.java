package dev.switchboard.workflows.cli;

import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code --token-env}: the environment variable that holds a running engine's admin token. */
final class AdminTokenOption {

    @Option(names = "--token-env", paramLabel = "NAME", defaultValue = "SWITCHBOARD_ADMIN_TOKEN", scope = ScopeType.INHERIT,
            description = "Environment variable holding the engine's admin token (default: ${DEFAULT-VALUE}).")
    String tokenEnv;
}
