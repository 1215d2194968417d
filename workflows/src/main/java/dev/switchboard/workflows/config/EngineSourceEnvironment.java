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
 *
 * @param events publishes to Kafka; null before the engine runs
 * @param http   the HTTP listener; null before the engine runs or when it is off
 * @param noHttp why {@code http} is null, for a webhook source that asks for it
 */
public record EngineSourceEnvironment(Path baseDir, Outbound outbound, Function<String, Optional<String>> secrets,
                                      EventPublisher events, HttpIngress http, String noHttp) implements SourceEnvironment {

    /** Where sources keep their state, under the configuration's folder. */
    static final String STATE_DIR = ".switchboard/sources";

    /** For checks when the configuration loads: secrets and folders, but no Kafka and no listener yet. */
    public static EngineSourceEnvironment forChecks(Path baseDir, Outbound outbound, Function<String, Optional<String>> secrets) {
        return new EngineSourceEnvironment(baseDir, outbound, secrets, null, null, "The HTTP listener exists only once the engine runs");
    }

    /** For sources of a running engine; {@code http} is null when the listener is off. */
    public static EngineSourceEnvironment running(Path baseDir, Outbound outbound, Function<String, Optional<String>> secrets,
                                                  EventPublisher events, HttpIngress http) {
        return new EngineSourceEnvironment(baseDir, outbound, secrets, events, http,
                "The public HTTP listener is off (http.port: -1); webhook sources need it");
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
