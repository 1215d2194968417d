package dev.switchboard.workflows.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.options.OptionGroup;

/**
 * The {@code http:} section: the public listener, where webhook sources and {@code /events} receive
 * requests from outside. Health, metrics and the admin API are on the admin listener ({@code admin:}).
 */
public record HttpSettings(
        @Option(description = "Address to listen on. `127.0.0.1` keeps it local; use `0.0.0.0` in a container.", defaultValue = "127.0.0.1")
        String host,
        @Option(description = "Port to listen on; 0 picks a free one; -1 turns the public listener off.", defaultValue = "8080", minimum = -1, maximum = 65535)
        Integer port,
        @Option(description = "Largest request body the public listener takes on any path, in bytes; a source's own `max_body_bytes` "
                + "can only lower it. A larger body is answered 413 before any source, signature check or handler sees it.",
                defaultValue = "52428800", minimum = 1024)
        @JsonProperty("max_body_bytes") Integer maxBodyBytes,
        @Option(description = "Deprecated: write `admin.token_env` instead. When set, it is used in place of `admin.token_env`.",
                secret = true)
        @JsonProperty("admin_token_env") String adminTokenEnv,
        @OptionGroup ListenerOptions listener) {

    public static HttpSettings defaults() {
        return DefaultOptions.of(HttpSettings.class);
    }

    /** Whether the listener runs ({@code port: -1} turns it off). */
    public boolean enabled() {
        return port >= 0;
    }
}
