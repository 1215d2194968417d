package dev.switchboard.workflows.runtime;

import dev.switchboard.schemas.spi.Source;
import dev.switchboard.schemas.events.CloudEventsKafka;
import dev.switchboard.workflows.config.EngineConfig;
import dev.switchboard.workflows.config.EngineSourceEnvironment;
import dev.switchboard.workflows.runtime.http.HttpListener;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The configured sources as a service: each publishes its events to Kafka, webhook sources on the public HTTP listener. */
final class EngineSources implements Service {

    private static final Logger LOG = LoggerFactory.getLogger(EngineSources.class);

    private final EngineConfig config;
    private final Function<String, Optional<String>> secrets;
    private final KafkaConnection kafka;
    private final HttpListener http;
    private final List<Source> sources = new CopyOnWriteArrayList<>();
    private KafkaEventPublisher publisher;

    /** @param http the public listener, or null when it is off */
    EngineSources(EngineConfig config, Function<String, Optional<String>> secrets, KafkaConnection kafka, HttpListener http) {
        this.config = config;
        this.secrets = secrets;
        this.kafka = kafka;
        this.http = http;
    }

    @Override
    public void start() throws Exception {
        try {
            publisher = new KafkaEventPublisher(kafka.bootstrapServers(), kafka.clientProperties(),
                    CloudEventsKafka.Mode.of(config.kafka().cloudEventsMode()));
            EngineSourceEnvironment environment = EngineSourceEnvironment.running(config.baseDir(), config.outbound(), secrets, publisher, http);
            for (EngineConfig.SourceSpec spec : config.sources().values()) {
                Source source = spec.factory().create(spec.name(), spec.options(), environment);
                sources.add(source);
                source.start();
            }
        } catch (Exception e) {
            stop();
            throw e;
        }
    }

    @Override
    public void stop() {
        for (Source source : sources) {
            try {
                source.close();
            } catch (RuntimeException e) {
                LOG.warn("Stopping source {}: {}", source.name(), e.getMessage());
            }
        }
        sources.clear();
        if (publisher != null) {
            publisher.close();
            publisher = null;
        }
    }

    /** Health of each source by name. */
    Map<String, Map<String, Object>> health() {
        Map<String, Map<String, Object>> health = new LinkedHashMap<>();
        sources.forEach(source -> health.put(source.name(), source.health()));
        return health;
    }
}
