package dev.switchboard.workflows.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.schemas.options.Option;

/** The {@code http:} section: the engine's HTTP listener for webhooks, health, metrics and the admin API. */
public record HttpSettings(
        @Option(description = "Address to listen on. `127.0.0.1` keeps it local; use `0.0.0.0` in a container.", defaultValue = "127.0.0.1")
        String host,
        @Option(description = "Port to listen on; 0 picks a free one; -1 turns the listener off.", defaultValue = "8080", minimum = -1, maximum = 65535)
        Integer port,
        @Option(description = "Largest request body accepted, in bytes, unless a source sets its own.", defaultValue = "1048576", minimum = 1024)
        @JsonProperty("max_body_bytes") Integer maxBodyBytes,
        @Option(description = "Environment variable holding the bearer token of the admin API (`/admin/...`). Unset: the admin API is off.",
                defaultValue = "SWITCHBOARD_ADMIN_TOKEN", secret = true)
        @JsonProperty("admin_token_env") String adminTokenEnv) {

    public static HttpSettings defaults() {
        return DefaultOptions.of(HttpSettings.class);
    }

    /** Whether the listener runs ({@code port: -1} turns it off). */
    public boolean enabled() {
        return port >= 0;
    }
}
