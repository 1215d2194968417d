package dev.switchboard.workflows.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The embedded broker's log directory: formatted once, with a fresh cluster id, and reused on every later start. */
final class KafkaStorage {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaStorage.class);

    private KafkaStorage() {
    }

    /**
     * Formats the log directory unless it already holds a {@code meta.properties}, and returns the
     * cluster id stored there.
     */
    static String formatIfNeeded(Path logDir) {
        return formatIfNeeded(logDir, BrokerConfig.NODE_ID, null);
    }

    /** The same for one node of a cluster: formatted with its id and, when not null, the cluster id all nodes share. */
    static String formatIfNeeded(Path logDir, int nodeId, String clusterId) {
        String dir = logDir.toString();
        MetaPropertiesEnsemble ensemble = loadMetaProperties(dir);
        if (!ensemble.errorLogDirs().isEmpty()) {
            throw new IllegalStateException("Kafka data directory " + dir + " cannot be read (corrupt meta.properties?)");
        }
        Optional<String> existing = ensemble.clusterId();
        if (existing.isPresent() && ensemble.emptyLogDirs().isEmpty()) {
            LOG.debug("Reusing formatted Kafka data directory {} (cluster {})", dir, existing.get());
            return existing.get();
        }
        if (existing.isPresent() && clusterId != null && !existing.get().equals(clusterId)) {
            throw new IllegalStateException("Kafka data directory " + dir + " belongs to cluster '" + existing.get()
                    + "', expected '" + clusterId + "'. Give this node an empty data directory or the cluster id it was formatted with");
        }
        String newClusterId = existing.orElseGet(() -> clusterId != null ? clusterId : Uuid.randomUuid().toString());
        ByteArrayOutputStream formatterOutput = new ByteArrayOutputStream();
        Formatter formatter = new Formatter()
                .setPrintStream(new PrintStream(formatterOutput, true, StandardCharsets.UTF_8))
                .setNodeId(nodeId)
                .setClusterId(newClusterId)
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .setControllerListenerName(BrokerConfig.CONTROLLER_LISTENER)
                .setMetadataLogDirectory(dir)
                .setDirectories(List.of(dir))
                .setIgnoreFormatted(true);
        try {
            formatter.run();
        } catch (Exception e) {
            throw new IllegalStateException("Could not format Kafka data directory " + dir + ": " + e.getMessage(), e);
        } finally {
            LOG.debug("Kafka storage formatter: {}", formatterOutput.toString(StandardCharsets.UTF_8).strip());
        }
        LOG.info("Formatted new Kafka data directory {} (cluster {})", dir, newClusterId);
        return newClusterId;
    }

    private static MetaPropertiesEnsemble loadMetaProperties(String dir) {
        try {
            return new MetaPropertiesEnsemble.Loader().addLogDirs(List.of(dir)).addMetadataLogDir(dir).load();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read Kafka data directory " + dir, e);
        }
    }
}
