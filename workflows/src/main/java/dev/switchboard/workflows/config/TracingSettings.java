package dev.switchboard.workflows.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.schemas.options.Option;

/** The {@code tracing:} section: OpenTelemetry export. Trace context is always passed on; spans are exported only when an endpoint is set. */
public record TracingSettings(
        @Option(description = "OTLP/HTTP endpoint for traces, e.g. `http://otel-collector:4318/v1/traces`. Empty: tracing export is off.")
        @JsonProperty("otlp_endpoint") String otlpEndpoint,
        @Option(description = "The `service.name` resource attribute of exported spans.", defaultValue = "switchboard")
        @JsonProperty("service_name") String serviceName,
        @Option(description = "Share of new traces sampled (events that arrive with a trace keep its decision).", defaultValue = "1.0", minimum = 0, maximum = 1)
        @JsonProperty("sample_ratio") Double sampleRatio) {

    public static TracingSettings defaults() {
        return DefaultOptions.of(TracingSettings.class);
    }

    public boolean enabled() {
        return otlpEndpoint != null && !otlpEndpoint.isBlank();
    }
}
