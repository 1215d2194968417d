package dev.switchboard.workflows.config;

import dev.switchboard.schemas.spi.SinkEnvironment;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** What the engine offers sinks: the configuration's folder, the outbound policy and secrets. */
public record EngineSinkEnvironment(Path baseDir, Set<String> allowedHosts, Set<String> allowedCamelSchemes,
                                    Function<String, Optional<String>> secrets) implements SinkEnvironment {

    public EngineSinkEnvironment(Path baseDir, Outbound outbound, Function<String, Optional<String>> secrets) {
        this(baseDir, copy(outbound.allowedHosts()), copy(outbound.camelSchemes()), secrets);
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
