package dev.switchboard.schemas.spi;

import java.nio.file.Path;
import java.util.Optional;

/** What the engine offers sources: publishing to Kafka, the shared HTTP listener, state and secrets. */
public interface SourceEnvironment {

    /** The folder of the configuration file. */
    Path baseDir();

    /** A folder this source may keep durable state in (offsets, replay-protection ids). */
    Path stateDir(String sourceName);

    /** A secret by the name of its environment variable; never logged. */
    Optional<String> secret(String name);

    /** Publishes events to Kafka. */
    EventPublisher events();

    /** The engine's HTTP listener, for sources that receive webhooks. */
    HttpIngress http();

    /** Camel component schemes that {@code camel} sources may consume from ({@code outbound.camel_schemes}). */
    default java.util.Set<String> allowedCamelSchemes() {
        return java.util.Set.of();
    }

    /** Hosts that an http(s) URL inside a source's endpoint may reach ({@code outbound.allowed_hosts}). */
    default java.util.Set<String> allowedHosts() {
        return java.util.Set.of();
    }
}
