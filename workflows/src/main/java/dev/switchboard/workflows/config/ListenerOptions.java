package dev.switchboard.workflows.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.schemas.options.Option;

/**
 * What protects one HTTP listener from slow or greedy clients, and its TLS: shared by the public
 * listener ({@code http:}) and the admin listener ({@code admin:}) as an option group, so a default
 * lives here alone.
 */
public record ListenerOptions(
        @Option(description = "Seconds a client has to send a request's line and headers, counted from the connection "
                + "(or from the end of the previous answer on a kept-alive connection); then the connection is closed. "
                + "Stops clients that send headers a byte at a time.", defaultValue = "10", minimum = 1, maximum = 300)
        @JsonProperty("header_timeout_seconds") Integer headerTimeoutSeconds,
        @Option(description = "Seconds a client has to send a request's body once its headers are in; then it is answered 408 "
                + "and the connection is closed. Stops clients that announce a body and hold it back.", defaultValue = "30", minimum = 1,
                maximum = 3600)
        @JsonProperty("body_timeout_seconds") Integer bodyTimeoutSeconds,
        @Option(description = "Seconds without a byte in either direction after which a connection is closed, e.g. a client that "
                + "stops reading an answer. Keep it above the longest a handler takes (a webhook waits for Kafka's acknowledgement).",
                defaultValue = "60", minimum = 1, maximum = 3600)
        @JsonProperty("idle_timeout_seconds") Integer idleTimeoutSeconds,
        @Option(description = "Open connections the listener keeps at most; a connection over the limit is closed at once.",
                defaultValue = "4096", minimum = 1, maximum = 1000000)
        @JsonProperty("max_connections") Integer maxConnections,
        @Option(description = "Threads that run request handlers (a webhook's signature check, parse and send to Kafka; its wait "
                + "for Kafka's acknowledgement holds no thread). Connections are served without a thread each; only a request with "
                + "its body complete takes one.",
                defaultValue = "16", minimum = 1, maximum = 512)
        @JsonProperty("worker_threads") Integer workerThreads,
        @Option(description = "Complete requests that may wait for a free worker thread or, past it, for their answer (a webhook "
                + "waiting for Kafka's acknowledgement); more are answered 503 with `Retry-After: 1`.",
                defaultValue = "256", minimum = 0, maximum = 100000)
        @JsonProperty("max_queued_requests") Integer maxQueuedRequests,
        @Option(description = "Serve HTTPS with a PEM certificate and key; both files are read again when they change, and "
                + "new connections get the new certificate. Unset: plain HTTP.")
        Tls tls) {

    /** {@code tls:} of a listener. */
    public record Tls(
            @Option(description = "PEM file with the certificate chain, the server's certificate first; relative to switchboard.yaml.",
                    required = true)
            @JsonProperty("cert_file") String certFile,
            @Option(description = "PEM file with the private key (PKCS#8 `BEGIN PRIVATE KEY` or PKCS#1 `BEGIN RSA PRIVATE KEY`), "
                    + "relative to switchboard.yaml. Keep it readable by the engine only.", required = true, secret = true)
            @JsonProperty("key_file") String keyFile) {
    }
}
