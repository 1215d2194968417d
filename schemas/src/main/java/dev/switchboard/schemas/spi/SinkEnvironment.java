package dev.switchboard.schemas.spi;

import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

/** What the engine offers sinks: where relative paths resolve, which hosts may be called, and secrets. */
public interface SinkEnvironment {

    /** The folder of the configuration file. */
    Path baseDir();

    /**
     * Hosts that outbound HTTP may reach ({@code host} or {@code host:port}; {@code *.example.com} allowed).
     * Nothing else is called, whatever a URL says.
     */
    Set<String> allowedHosts();

    /** A secret by the name of its environment variable; never logged. */
    Optional<String> secret(String name);

    /**
     * Camel component schemes that the {@code camel} sink may use ({@code outbound.camel_schemes}).
     * Empty unless configured; schemes that reach files, run commands or evaluate code stay refused
     * whatever is listed.
     */
    default Set<String> allowedCamelSchemes() {
        return Set.of();
    }

    /**
     * Publishes events to the engine's Kafka, for sinks that turn a task into an event; empty where
     * no engine runs (configuration checks, tools).
     */
    default Optional<EventPublisher> events() {
        return Optional.empty();
    }
}
