package dev.switchboard.workflows.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.options.OptionGroup;
import java.util.List;

/**
 * The {@code admin:} section: the admin listener, for health, metrics and the admin API (and the
 * console), apart from the public webhooks and bound to the loopback address unless told otherwise.
 */
public record AdminSettings(
        @Option(description = "Address to listen on. `127.0.0.1` keeps it local; in Kubernetes use `0.0.0.0` so probes and Prometheus "
                + "reach it, and keep it off the Ingress.", defaultValue = "127.0.0.1")
        String host,
        @Option(description = "Port to listen on; 0 picks a free one; -1 turns the admin listener off. Unset: one above `http.port` "
                + "(8081 by default), a free one when `http.port` is 0, off when `http.port` is -1.", minimum = -1, maximum = 65535)
        Integer port,
        @Option(description = "Host names the admin listener answers to, compared with the request's `Host` header without its port. "
                + "IP addresses are always accepted; any other name is answered 421, so a web page cannot reach the admin API through "
                + "DNS rebinding. Add the names you reach it by, e.g. a Kubernetes Service name.", defaultValue = "[localhost]")
        @JsonProperty("allowed_hosts") List<String> allowedHosts,
        @Option(description = "Environment variable holding the bearer token of the admin API (`/admin/...`). Unset: the admin API is off.",
                defaultValue = "SWITCHBOARD_ADMIN_TOKEN", secret = true)
        @JsonProperty("token_env") String tokenEnv,
        @Option(description = "The web console on this listener, at `/console`: its users and sign-in (docs/console.md).")
        ConsoleSettings console,
        @OptionGroup ListenerOptions listener) {

    public static AdminSettings defaults() {
        return DefaultOptions.of(AdminSettings.class);
    }

    /** {@code console:} with its defaults applied where unset. */
    public ConsoleSettings consoleOrDefaults() {
        ConsoleSettings defaults = ConsoleSettings.defaults();
        if (console == null) {
            return defaults;
        }
        return new ConsoleSettings(console.usersFile(), console.sessionMinutes() != null ? console.sessionMinutes() : defaults.sessionMinutes(),
                console.reportFolders() != null ? console.reportFolders() : defaults.reportFolders());
    }

    /** The port it listens on, following {@code http.port} when unset; -1 when it is off. */
    public int effectivePort(HttpSettings http) {
        if (port != null) {
            return port;
        }
        return switch (http.port()) {
            case -1 -> -1;
            case 0 -> 0;
            default -> http.port() + 1;
        };
    }
}
