package dev.switchboard.connectors.testkit;

import dev.switchboard.schemas.spi.EventPublisher;
import dev.switchboard.schemas.spi.HttpIngress;
import dev.switchboard.schemas.spi.SourceEnvironment;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A source environment for unit tests: secrets from a map, a publisher that records what it is given
 * (and acknowledges, fails or never answers, as the test says), and routes kept for the test to call,
 * each behind the body limit its source asked for.
 */
public final class RecordingEnvironment implements SourceEnvironment {

    /** One publish call. */
    public record Published(String topic, String key, byte[] event) {
        public String json() {
            return new String(event, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    public enum Kafka { ACKNOWLEDGES, FAILS, NEVER_ANSWERS }

    private final Path dir;
    private final Map<String, String> secrets;
    private final java.util.Set<String> allowedHosts;
    private final List<Published> published = new CopyOnWriteArrayList<>();
    private final Map<String, HttpIngress.Handler> routes = new ConcurrentHashMap<>();
    private final Map<String, Integer> limits = new ConcurrentHashMap<>();
    private volatile Kafka kafka = Kafka.ACKNOWLEDGES;

    public RecordingEnvironment(Path dir, Map<String, String> secrets) {
        this(dir, secrets, java.util.Set.of());
    }

    /** With {@code outbound.allowed_hosts}, for a source that fetches what a webhook names. */
    public RecordingEnvironment(Path dir, Map<String, String> secrets, java.util.Set<String> allowedHosts) {
        this.dir = dir;
        this.secrets = Map.copyOf(secrets);
        this.allowedHosts = java.util.Set.copyOf(allowedHosts);
    }

    @Override
    public java.util.Set<String> allowedHosts() {
        return allowedHosts;
    }

    public void kafka(Kafka behaviour) {
        this.kafka = behaviour;
    }

    public List<Published> published() {
        return List.copyOf(published);
    }

    /**
     * The handler a source routed on {@code path}, behind the limit it asked for: as the engine's
     * listener does ({@link HttpIngress#route}), a larger body is answered 413 before the source sees it.
     */
    public HttpIngress.Handler route(String path) {
        HttpIngress.Handler handler = routes.get(path);
        if (handler == null) {
            return null;
        }
        int limit = limits.get(path);
        return request -> request.body().length > limit
                ? HttpIngress.Response.error(413, "Body of " + request.body().length + " bytes, expected at most " + limit)
                : handler.handle(request);
    }

    public Integer limit(String path) {
        return limits.get(path);
    }

    @Override
    public Path baseDir() {
        return dir;
    }

    @Override
    public Path stateDir(String sourceName) {
        return dir.resolve("state").resolve(sourceName);
    }

    @Override
    public Optional<String> secret(String name) {
        return Optional.ofNullable(secrets.get(name));
    }

    @Override
    public EventPublisher events() {
        return (topic, key, event) -> switch (kafka) {
            case ACKNOWLEDGES -> {
                published.add(new Published(topic, key, event));
                yield CompletableFuture.completedFuture(null);
            }
            case FAILS -> CompletableFuture.failedFuture(new IllegalStateException("simulated broker failure"));
            case NEVER_ANSWERS -> new CompletableFuture<>();
        };
    }

    @Override
    public HttpIngress http() {
        return (path, maxBodyBytes, handler) -> {
            routes.put(path, handler);
            limits.put(path, maxBodyBytes);
        };
    }
}
