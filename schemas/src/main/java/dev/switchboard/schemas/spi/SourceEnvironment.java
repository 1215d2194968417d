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
}
