package dev.switchboard.workflows.runtime.http;

import dev.switchboard.workflows.config.ListenerOptions;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What one listener is: its name in logs and metrics ({@code public}, {@code admin}), where it binds,
 * the largest body it takes on any path, its protections, the host names it answers to and its TLS files.
 *
 * @param port         0 picks a free one
 * @param allowedHosts null answers every {@code Host}
 * @param tls          null serves plain HTTP
 */
public record ListenerSpec(String name, String host, int port, int maxBodyBytes, Limits limits, AllowedHosts allowedHosts,
                          TlsFiles tls) {

    /** Timeouts and bounds of one listener, from its {@code ListenerOptions}. */
    public record Limits(Duration headerTimeout, Duration bodyTimeout, Duration idleTimeout, int maxConnections, int workerThreads,
                         int maxQueuedRequests) {

        public static Limits of(ListenerOptions options) {
            return new Limits(Duration.ofSeconds(options.headerTimeoutSeconds()), Duration.ofSeconds(options.bodyTimeoutSeconds()),
                    Duration.ofSeconds(options.idleTimeoutSeconds()), options.maxConnections(), options.workerThreads(),
                    options.maxQueuedRequests());
        }
    }

    /** The certificate and key files of a listener's TLS, resolved against the configuration's folder. */
    public static TlsFiles tlsFiles(ListenerOptions options, Path baseDir) {
        ListenerOptions.Tls tls = options.tls();
        return tls == null ? null : new TlsFiles(baseDir.resolve(tls.certFile()).normalize(), baseDir.resolve(tls.keyFile()).normalize());
    }
}
