package dev.switchboard.workflows.config;

import dev.switchboard.schemas.spi.EventPublisher;
import dev.switchboard.schemas.spi.HttpIngress;
import dev.switchboard.schemas.spi.SourceEnvironment;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * What the engine offers sources: the configuration's folder, a state folder per source, secrets,
 * the outbound policy and, once the engine runs, Kafka and the HTTP listener.
 */
public final class EngineSourceEnvironment implements SourceEnvironment {

    /** Where sources keep their state, under the configuration's folder. */
    static final String STATE_DIR = ".switchboard/sources";

    private final Path baseDir;
    private final Outbound outbound;
    private final Function<String, Optional<String>> secrets;
    private final EventPublisher events;
    private final HttpIngress http;
    private final String noHttp;

    private EngineSourceEnvironment(Path baseDir, Outbound outbound, Function<String, Optional<String>> secrets,
                                    EventPublisher events, HttpIngress http, String noHttp) {
        this.baseDir = baseDir;
        this.outbound = outbound;
        this.secrets = secrets;
        this.events = events;
        this.http = http;
        this.noHttp = noHttp;
    }

    /** For checks when the configuration loads: secrets and folders, but no Kafka and no listener yet. */
    public static EngineSourceEnvironment forChecks(Path baseDir, Outbound outbound, Function<String, Optional<String>> secrets) {
        return new EngineSourceEnvironment(baseDir, outbound, secrets, null, null, "The HTTP listener exists only once the engine runs");
    }

    /** For sources of a running engine; {@code http} is null when the listener is off. */
    public static EngineSourceEnvironment running(Path baseDir, Outbound outbound, Function<String, Optional<String>> secrets,
                                                  EventPublisher events, HttpIngress http) {
        return new EngineSourceEnvironment(baseDir, outbound, secrets, events, http,
                "The HTTP listener is off (http.port: -1); webhook sources need it");
    }

    @Override
    public Path baseDir() {
        return baseDir;
    }

    @Override
    public Path stateDir(String sourceName) {
        return baseDir.resolve(STATE_DIR).resolve(sourceName);
    }

    @Override
    public Optional<String> secret(String name) {
        return secrets.apply(name);
    }

    @Override
    public EventPublisher events() {
        if (events == null) {
            throw new IllegalStateException("Sources publish only once the engine runs");
        }
        return events;
    }

    @Override
    public HttpIngress http() {
        if (http == null) {
            throw new IllegalStateException(noHttp);
        }
        return http;
    }

    @Override
    public Set<String> allowedCamelSchemes() {
        return EngineSinkEnvironment.copy(outbound.camelSchemes());
    }

    @Override
    public Set<String> allowedHosts() {
        return EngineSinkEnvironment.copy(outbound.allowedHosts());
    }
}
