package dev.switchboard.workflows.runtime;

import dev.switchboard.workflows.config.KafkaSettings;
import dev.switchboard.workflows.kafka.EmbeddedKafkaBroker;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's Kafka: the configured cluster, or an embedded broker when none is configured; starting
 * it creates the topics the engine needs.
 */
public final class KafkaConnection implements Service {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaConnection.class);

    private final KafkaSettings settings;
    private final Path baseDir;
    private final Set<String> topics;
    private final Set<String> compacted;
    private EmbeddedKafkaBroker broker;
    private volatile String bootstrapServers;

    /** @param topics created at start when they do not exist, each once */
    KafkaConnection(KafkaSettings settings, Path baseDir, Set<String> topics) {
        this(settings, baseDir, topics, Set.of());
    }

    /** @param compacted those of the topics that hold tables, created compacted */
    KafkaConnection(KafkaSettings settings, Path baseDir, Set<String> topics, Set<String> compacted) {
        this.settings = settings;
        this.baseDir = baseDir;
        this.topics = Set.copyOf(topics);
        this.compacted = Set.copyOf(compacted);
    }

    @Override
    public void start() throws InterruptedException {
        if (settings.embedded()) {
            Path dataDir = baseDir.resolve(settings.dataDir());
            broker = EmbeddedKafkaBroker.builder().dataDir(dataDir).port(settings.port()).build();
            broker.start();
            bootstrapServers = broker.bootstrapServers();
            LOG.info("Embedded Kafka broker on {} with data in {}", bootstrapServers, dataDir);
        } else {
            bootstrapServers = settings.bootstrapServers();
        }
        try {
            KafkaTopics.create(bootstrapServers, clientProperties(), topics, compacted, settings.partitions(),
                    settings.replicationFactor().shortValue());
        } catch (InterruptedException | RuntimeException e) {
            stop();
            throw e;
        }
    }

    @Override
    public void stop() {
        if (broker != null) {
            broker.close();
            broker = null;
        }
    }

    /** How many copies of each partition the topics the engine creates keep. */
    public short replicationFactor() {
        return settings.replicationFactor().shortValue();
    }

    /** Where clients connect; null before {@link #start}. */
    public String bootstrapServers() {
        return bootstrapServers;
    }

    /** Extra client properties (security, SASL...) every client of the engine uses. */
    public Map<String, String> clientProperties() {
        return settings.properties() == null ? Map.of() : settings.properties();
    }
}
