package dev.switchboard.workflows.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.schemas.options.Option;
import java.util.List;

/** The {@code outbound:} section: where sinks may send. */
public record Outbound(
        @Option(description = "Hosts that sinks may call, as `host` or `host:port`; `*.example.com` matches subdomains. Nothing else is ever called.")
        @JsonProperty("allowed_hosts") List<String> allowedHosts) {

    public static Outbound defaults() {
        return new Outbound(List.of());
    }
}
