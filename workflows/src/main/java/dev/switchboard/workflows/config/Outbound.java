package dev.switchboard.workflows.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.schemas.options.Option;
import java.util.List;

/** The {@code outbound:} section: where sinks may send. */
public record Outbound(
        @Option(description = "Hosts that sinks may call, as `host` or `host:port`; `*.example.com` matches subdomains. Nothing else is ever called.")
        @JsonProperty("allowed_hosts") List<String> allowedHosts,
        @Option(description = "Camel component schemes that `camel` sinks may use, e.g. `[slack, jms]`. Schemes that reach files, run commands or evaluate code (file, exec, bean, class, language, sql, ...) are refused even when listed.")
        @JsonProperty("camel_schemes") List<String> camelSchemes) {

    public static Outbound defaults() {
        return DefaultOptions.of(Outbound.class);
    }
}
