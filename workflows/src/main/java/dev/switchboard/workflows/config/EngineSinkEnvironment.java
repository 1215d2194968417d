package dev.switchboard.workflows.config;

import dev.switchboard.schemas.spi.SinkEnvironment;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/** What the engine offers sinks: the configuration's folder, the outbound policy and secrets. */
public final class EngineSinkEnvironment implements SinkEnvironment {

    private final Path baseDir;
    private final Set<String> allowedHosts;
    private final Set<String> allowedCamelSchemes;
    private final Function<String, Optional<String>> secrets;

    public EngineSinkEnvironment(Path baseDir, Outbound outbound, Function<String, Optional<String>> secrets) {
        this.baseDir = baseDir;
        this.allowedHosts = copy(outbound.allowedHosts());
        this.allowedCamelSchemes = copy(outbound.camelSchemes());
        this.secrets = secrets;
    }

    /** A list the file may leave out, as a set. */
    static Set<String> copy(List<String> values) {
        return values == null ? Set.of() : Set.copyOf(values);
    }

    @Override
    public Path baseDir() {
        return baseDir;
    }

    @Override
    public Set<String> allowedHosts() {
        return allowedHosts;
    }

    @Override
    public Set<String> allowedCamelSchemes() {
        return allowedCamelSchemes;
    }

    @Override
    public Optional<String> secret(String name) {
        return secrets.apply(name);
    }
}
