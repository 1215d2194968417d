package dev.switchboard.workflows.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node Apache Kafka broker running in-process, in KRaft mode (one JVM-local server that is
 * both broker and controller).
 *
 * <p><b>Why this exists.</b> Switchboard is built on Kafka. In production it talks to a real cluster,
 * but on a laptop nobody wants to install, configure and babysit Kafka just to try a workflow. When no
 * bootstrap servers are configured, Switchboard starts one of these instead, so that a single command
 * gives a working engine. It is the real Kafka server ({@code kafka.server.KafkaRaftServer} from
 * {@code org.apache.kafka:kafka_2.13}), not a mock, so behaviour (consumer groups, offsets,
 * transactions, retention) matches what a real cluster does.
 *
 * <p><b>Properties.</b>
 * <ul>
 *   <li>Binds only to {@code 127.0.0.1}: the client listener ({@code PLAINTEXT}) and the KRaft
 *       controller listener ({@code CONTROLLER}) never listen on external interfaces.</li>
 *   <li>Data survives restarts. The broker keeps its log directory in
 *       {@code <dataDir>/kraft-combined-logs}; the directory is formatted (with a fresh random cluster id,
 *       stored in its {@code meta.properties}) only the first time, and every later start reuses it.</li>
 *   <li>With {@code port(0)} (the default) a free port is picked on every start, so
 *       {@link #bootstrapServers()} can change between restarts of the same data directory. The
 *       controller port is always picked freely; this is safe because the quorum is static
 *       ({@code controller.quorum.voters}), so voter addresses come from configuration and are not
 *       persisted in the metadata log.</li>
 *   <li>Sized for a laptop: few network/IO threads, a small log-cleaner buffer, small internal topics.</li>
 * </ul>
 *
 * <p><b>Clusters.</b> With a {@link KafkaQuorum} the broker is one node of several (each in a process of
 * its own, as the reliability tests run three), formatted with the cluster id they share and voting on
 * the controller port the quorum names for it.
 *
 * <p><b>Caveat.</b> Kafka's server handles some unrecoverable faults (for example a corrupt metadata
 * log) by halting the process through {@code org.apache.kafka.common.utils.Exit}; running it in-process
 * means such a fault takes Switchboard down too. That is acceptable for the local-development use case
 * this class is meant for.
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.builder().dataDir(dir).build()) {
 *     kafka.start();
 *     String bootstrap = kafka.bootstrapServers(); // "127.0.0.1:<port>"
 * }
 * }</pre>
 *
 * <p>Instances are thread-safe. {@link #start()} is a no-op while already running; after
 * {@link #close()} the same instance may be started again on the same data directory.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

    /** Loopback address every listener binds to. */
    public static final String HOST = "127.0.0.1";

    /** Name of the Kafka log directory created inside {@link #dataDir()}. */
    static final String LOG_DIR_NAME = "kraft-combined-logs";

    /** Lock file inside {@link #dataDir()} held while a broker runs on it. */
    static final String LOCK_FILE_NAME = "embedded-kafka.lock";

    private static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final int MAX_BIND_ATTEMPTS = 3;

    private final Path dataDir;
    private final int configuredPort;
    private final Map<String, String> extraProperties;
    private final Duration startupTimeout;
    private final KafkaQuorum quorum;

    // Guarded by "this".
    private KafkaRaftServer server;
    private DataDirLock dataDirLock;
    private int brokerPort = -1;
    private int controllerPort = -1;
    private String clusterId;

    private EmbeddedKafkaBroker(Builder builder) {
        this.dataDir = builder.dataDir.toAbsolutePath().normalize();
        this.configuredPort = builder.port;
        this.extraProperties = Map.copyOf(builder.properties);
        this.startupTimeout = builder.startupTimeout;
        this.quorum = builder.quorum;
    }

    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts the broker (formatting the data directory first if it has never been formatted) and blocks
     * until it accepts client connections and reports itself in the cluster metadata. Does nothing if the
     * broker is already running.
     *
     * @throws IllegalStateException if the data directory is in use by another running broker, if the
     *                               broker could not be started, or if it did not become ready within
     *                               the startup timeout (it is shut down again in these cases)
     */
    public synchronized void start() {
        if (server != null) {
            return;
        }
        long startNanos = System.nanoTime();
        long deadlineNanos = startNanos + startupTimeout.toNanos();
        Path logDir = logDir();
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create Kafka data directory " + logDir, e);
        }
        if (configuredPort != 0) {
            LoopbackPorts.requireAvailable(configuredPort);
        }
        if (quorum != null) {
            LoopbackPorts.requireAvailable(quorum.controllerPort());
        }
        // Kafka locks a combined log/metadata directory only when the broker half starts, after the
        // controller has already opened the metadata log. Lock first so two brokers never share a directory.
        DataDirLock lock = DataDirLock.acquire(dataDir);
        String cluster;
        try {
            cluster = quorum == null ? KafkaStorage.formatIfNeeded(logDir)
                    : KafkaStorage.formatIfNeeded(logDir, quorum.nodeId(), quorum.clusterId());
        } catch (RuntimeException e) {
            lock.release();
            throw e;
        }

        for (int attempt = 1; ; attempt++) {
            int bPort = configuredPort != 0 ? configuredPort : LoopbackPorts.free(-1);
            // In a cluster the voters name this node's controller port, so it cannot move.
            int cPort = quorum != null ? quorum.controllerPort() : LoopbackPorts.free(bPort);
            KafkaRaftServer candidate;
            try {
                candidate = new KafkaRaftServer(KafkaConfig.fromProps(quorum == null
                        ? BrokerConfig.serverProperties(logDir, bPort, cPort, extraProperties)
                        : BrokerConfig.serverProperties(logDir, bPort, cPort, quorum.nodeId(), quorum.voters(), extraProperties),
                        false), Time.SYSTEM);
            } catch (RuntimeException e) {
                lock.release();
                throw new IllegalStateException("Embedded Kafka broker could not be created (data in " + logDir + "): " + e.getMessage(), e);
            }
            StartupOutcome outcome = startWithin(candidate, deadlineNanos);
            if (outcome.failure() != null) {
                if (outcome.timedOut()) {
                    // startup() is still running on its own thread. Shutting Kafka down while it starts can hang
                    // (the shutdown is a no-op for components not started yet), so stop it once startup() returns
                    // and only then free the directory. If startup() never returns, the directory stays locked.
                    outcome.startup().whenComplete((ignored, failure) -> {
                        try {
                            shutDownQuietly(candidate);
                        } finally {
                            lock.release();
                        }
                    });
                    throw new IllegalStateException("Embedded Kafka broker did not start within "
                            + startupTimeout.toMillis() + " ms (data in " + logDir + ")", outcome.failure());
                }
                shutDownQuietly(candidate);
                if (LoopbackPorts.isBindFailure(outcome.failure()) && attempt < MAX_BIND_ATTEMPTS) {
                    LOG.debug("Port taken while starting embedded Kafka (attempt {}), retrying with other ports",
                            attempt, outcome.failure());
                    continue;
                }
                lock.release();
                throw new IllegalStateException("Embedded Kafka broker failed to start on " + HOST + ":" + bPort
                        + " (controller port " + cPort + ", data in " + logDir + "): "
                        + outcome.failure().getMessage(), outcome.failure());
            }
            server = candidate;
            dataDirLock = lock;
            brokerPort = bPort;
            controllerPort = cPort;
            clusterId = cluster;
            try {
                BrokerReadiness.await(quorum == null ? BrokerConfig.NODE_ID : quorum.nodeId(), brokerPort, deadlineNanos, startupTimeout);
            } catch (RuntimeException e) {
                closeAfterFailedStart();
                throw e;
            }
            LOG.info("Embedded Kafka broker started at {} in {} ms (cluster {}, data in {})",
                    bootstrapServers(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos), clusterId, logDir);
            return;
        }
    }

    /** Result of {@link #startWithin}: {@code failure == null} means started. */
    private record StartupOutcome(CompletableFuture<Void> startup, Throwable failure, boolean timedOut) {
    }

    /**
     * Runs {@code KafkaRaftServer.startup()} on its own thread and waits at most until the deadline.
     * Kafka's own {@code server.max.startup.time.ms} is deliberately left at its (unbounded) default:
     * when it expires Kafka treats that as a fatal fault and halts the whole JVM.
     */
    private static StartupOutcome startWithin(KafkaRaftServer candidate, long deadlineNanos) {
        CompletableFuture<Void> started = new CompletableFuture<>();
        Thread starter = new Thread(() -> {
            try {
                candidate.startup();
                started.complete(null);
            } catch (Throwable t) {
                started.completeExceptionally(t);
            }
        }, "embedded-kafka-startup");
        starter.setDaemon(true);
        starter.start();
        try {
            started.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            return new StartupOutcome(started, null, false);
        } catch (ExecutionException e) {
            return new StartupOutcome(started, e.getCause(), false);
        } catch (TimeoutException e) {
            return new StartupOutcome(started, e, true);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new StartupOutcome(started, e, true);
        }
    }

    /** The bootstrap address for clients, {@code 127.0.0.1:<port>}. Only valid while the broker runs. */
    public synchronized String bootstrapServers() {
        requireRunning();
        return HOST + ":" + brokerPort;
    }

    /** The port clients connect to. Only valid while the broker runs. */
    public synchronized int port() {
        requireRunning();
        return brokerPort;
    }

    /** The port of the KRaft controller listener (also loopback-only). Only valid while the broker runs. */
    synchronized int controllerPort() {
        requireRunning();
        return controllerPort;
    }

    /** The cluster id stored in the data directory. Only valid while the broker runs. */
    public synchronized String clusterId() {
        requireRunning();
        return clusterId;
    }

    /** The directory the broker keeps its data under (the Kafka log directory is a sub-directory). */
    public Path dataDir() {
        return dataDir;
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    /**
     * Shuts the broker down cleanly (controlled shutdown, logs flushed, checkpoints written) and waits for
     * it to finish. Does nothing if it is not running.
     */
    @Override
    public synchronized void close() {
        if (server == null) {
            return;
        }
        long startNanos = System.nanoTime();
        KafkaRaftServer stopping = server;
        server = null;
        try {
            stopping.shutdown();
            stopping.awaitShutdown();
        } finally {
            dataDirLock.release();
            dataDirLock = null;
            LOG.info("Embedded Kafka broker at {}:{} stopped in {} ms", HOST, brokerPort,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
            brokerPort = -1;
            controllerPort = -1;
        }
    }

    @Override
    public String toString() {
        return "EmbeddedKafkaBroker[dataDir=" + dataDir + ", port=" + configuredPort + "]";
    }

    private Path logDir() {
        return dataDir.resolve(LOG_DIR_NAME);
    }

    private void requireRunning() {
        if (server == null) {
            throw new IllegalStateException("Embedded Kafka broker is not running; call start() first");
        }
    }

    private void closeAfterFailedStart() {
        try {
            close();
        } catch (RuntimeException e) {
            LOG.warn("Error while shutting down embedded Kafka broker", e);
        }
    }

    private static void shutDownQuietly(KafkaRaftServer candidate) {
        try {
            candidate.shutdown();
            candidate.awaitShutdown();
        } catch (RuntimeException e) {
            LOG.debug("Error while shutting down a Kafka broker that failed to start", e);
        }
    }

    /** Builder for {@link EmbeddedKafkaBroker}. */
    public static final class Builder {
        private Path dataDir;
        private int port;
        private final Map<String, String> properties = new LinkedHashMap<>();
        private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;
        private KafkaQuorum quorum;

        private Builder() {
        }

        /**
         * Makes this broker one node of a cluster (each node in its own process, say); without it the broker is
         * node 1 and the only voter. Internal topics stay at one replica unless their keys are set with
         * {@link #property} (e.g. {@code offsets.topic.replication.factor}).
         */
        public Builder quorum(KafkaQuorum quorum) {
            this.quorum = Objects.requireNonNull(quorum, "quorum");
            return this;
        }

        /** Directory the broker keeps its data in; created if missing. Required. */
        public Builder dataDir(Path dataDir) {
            this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
            return this;
        }

        /** Client port on 127.0.0.1; {@code 0} (the default) picks a free port on every start. */
        public Builder port(int port) {
            if (port < 0 || port > 65_535) {
                throw new IllegalArgumentException("port must be between 0 and 65535: " + port);
            }
            this.port = port;
            return this;
        }

        /**
         * Extra broker configuration, applied on top of the defaults (e.g. {@code log.retention.hours}).
         * Keys that define listeners, roles, the quorum or log directories are managed by
         * {@link EmbeddedKafkaBroker} and are rejected.
         */
        public Builder property(String key, String value) {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
            if (BrokerConfig.RESERVED_KEYS.contains(key)) {
                throw new IllegalArgumentException("Broker property '" + key + "' is managed by EmbeddedKafkaBroker");
            }
            properties.put(key, value);
            return this;
        }

        /** How long {@link #start()} may take before it fails; defaults to 60 seconds. */
        public Builder startupTimeout(Duration startupTimeout) {
            Objects.requireNonNull(startupTimeout, "startupTimeout");
            if (startupTimeout.isNegative() || startupTimeout.isZero()) {
                throw new IllegalArgumentException("startupTimeout must be positive: " + startupTimeout);
            }
            this.startupTimeout = startupTimeout;
            return this;
        }

        public EmbeddedKafkaBroker build() {
            if (dataDir == null) {
                throw new IllegalStateException("dataDir is required");
            }
            return new EmbeddedKafkaBroker(this);
        }
    }
}
