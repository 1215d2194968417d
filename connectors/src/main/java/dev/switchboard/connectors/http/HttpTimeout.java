package dev.switchboard.connectors.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.spi.SinkEnvironment;
import java.time.Duration;

/** How long one request of an HTTP sink may take, declared once for every HTTP sink. */
public record HttpTimeout(
        @Option(description = "Timeout of one request, in seconds.", defaultValue = "10", minimum = 1, maximum = 300)
        @JsonProperty("timeout_seconds") Integer timeoutSeconds) {

    /** The sink's outbound calls: this timeout, under the engine's outbound policy. */
    public HttpDelivery delivery(SinkEnvironment environment) {
        return new HttpDelivery(new OutboundPolicy(environment.allowedHosts()), Duration.ofSeconds(timeoutSeconds));
    }
}
