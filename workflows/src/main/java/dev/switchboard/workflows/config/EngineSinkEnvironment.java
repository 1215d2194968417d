package dev.switchboard.workflows.config;

import dev.switchboard.schemas.spi.EventPublisher;
import dev.switchboard.schemas.spi.SinkEnvironment;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * What the engine offers sinks: the configuration's folder, the outbound policy, secrets, and (when it
 * runs) its producer for sinks that publish events.
 */
public record EngineSinkEnvironment(Path baseDir, Set<String> allowedHosts, Set<String> allowedCamelSchemes,
                                    Function<String, Optional<String>> secrets, EventPublisher publisher) implements SinkEnvironment {

    /** For checking a configuration: nothing is published. */
    public EngineSinkEnvironment(Path baseDir, Outbound outbound, Function<String, Optional<String>> secrets) {
        this(baseDir, outbound, secrets, null);
    }

    public EngineSinkEnvironment(Path baseDir, Outbound outbound, Function<String, Optional<String>> secrets, EventPublisher publisher) {
        this(baseDir, copy(outbound.allowedHosts()), copy(outbound.camelSchemes()), secrets, publisher);
    }

    @Override
    public Optional<EventPublisher> events() {
        return Optional.ofNullable(publisher);
    }

    /** A list the file may leave out, as a set. */
    static Set<String> copy(List<String> values) {
        return values == null ? Set.of() : Set.copyOf(values);
    }

    @Override
    public Optional<String> secret(String name) {
        return secrets.apply(name);
    }
}
