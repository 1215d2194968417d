package dev.switchboard.workflows.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.properties.MetaPropertiesEnsemble;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;
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

    private static final int NODE_ID = 1;
    private static final String BROKER_LISTENER = "PLAINTEXT";
    private static final String CONTROLLER_LISTENER = "CONTROLLER";
    private static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(60);
    private static final int MAX_BIND_ATTEMPTS = 3;

    /** Keys this class manages itself; overriding them would break the single-node loopback setup. */
    private static final Set<String> RESERVED_KEYS = Set.of(
            "process.roles", "node.id", "broker.id",
            "listeners", "advertised.listeners", "listener.security.protocol.map",
            "inter.broker.listener.name", "controller.listener.names",
            "controller.quorum.voters", "controller.quorum.bootstrap.servers",
            "log.dir", "log.dirs", "metadata.log.dir");

    private final Path dataDir;
    private final int configuredPort;
    private final Map<String, String> extraProperties;
    private final Duration startupTimeout;

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
            requirePortAvailable(configuredPort);
        }
        // Kafka locks a combined log/metadata directory only when the broker half starts, after the
        // controller has already opened the metadata log. Lock first so two brokers never share a directory.
        DataDirLock lock = DataDirLock.acquire(dataDir);
        String cluster;
        try {
            cluster = formatIfNeeded(logDir);
        } catch (RuntimeException e) {
            lock.release();
            throw e;
        }

        for (int attempt = 1; ; attempt++) {
            int bPort = configuredPort != 0 ? configuredPort : freePort(-1);
            int cPort = freePort(bPort);
            KafkaRaftServer candidate;
            try {
                candidate = new KafkaRaftServer(KafkaConfig.fromProps(serverProperties(logDir, bPort, cPort), false), Time.SYSTEM);
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
                if (isBindFailure(outcome.failure()) && attempt < MAX_BIND_ATTEMPTS) {
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
                awaitReady(deadlineNanos);
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

    private Properties serverProperties(Path logDir, int bPort, int cPort) {
        Map<String, String> p = new LinkedHashMap<>();
        // Identity and roles: one node that is both broker and the (only) KRaft voter.
        p.put("process.roles", "broker,controller");
        p.put("node.id", Integer.toString(NODE_ID));
        // Static quorum: voter endpoints come from here, not from the metadata log, so the controller
        // port may differ between restarts of the same data directory.
        p.put("controller.quorum.voters", NODE_ID + "@" + HOST + ":" + cPort);
        p.put("controller.listener.names", CONTROLLER_LISTENER);
        p.put("listeners", BROKER_LISTENER + "://" + HOST + ":" + bPort + "," + CONTROLLER_LISTENER + "://" + HOST + ":" + cPort);
        p.put("advertised.listeners", BROKER_LISTENER + "://" + HOST + ":" + bPort);
        p.put("listener.security.protocol.map", BROKER_LISTENER + ":PLAINTEXT," + CONTROLLER_LISTENER + ":PLAINTEXT");
        p.put("inter.broker.listener.name", BROKER_LISTENER);
        p.put("log.dirs", logDir.toString());

        // Single node: internal topics cannot have more than one replica.
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("share.coordinator.state.topic.replication.factor", "1");
        p.put("share.coordinator.state.topic.min.isr", "1");
        p.put("share.coordinator.state.topic.num.partitions", "5");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");

        // Developer-friendly topic defaults.
        p.put("auto.create.topics.enable", "true");
        p.put("num.partitions", "3");
        p.put("group.initial.rebalance.delay.ms", "0");

        // Modest footprint for a laptop.
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        p.put("background.threads", "4");
        p.put("group.coordinator.threads", "2");
        p.put("num.recovery.threads.per.data.dir", "1");
        p.put("log.cleaner.threads", "1");
        p.put("log.cleaner.dedupe.buffer.size", Integer.toString(8 * 1024 * 1024));
        p.put("log.segment.bytes", Integer.toString(64 * 1024 * 1024));
        p.put("log.index.size.max.bytes", Integer.toString(1024 * 1024));
        p.put("log.retention.hours", "168");
        p.put("log.retention.check.interval.ms", "300000");
        p.put("metadata.log.segment.bytes", Integer.toString(16 * 1024 * 1024));

        p.putAll(extraProperties);
        Properties props = new Properties();
        props.putAll(p);
        return props;
    }

    /**
     * Formats the log directory unless it already holds a {@code meta.properties}, and returns the
     * cluster id stored there.
     */
    private String formatIfNeeded(Path logDir) {
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
        String newClusterId = existing.orElseGet(() -> Uuid.randomUuid().toString());
        ByteArrayOutputStream formatterOutput = new ByteArrayOutputStream();
        Formatter formatter = new Formatter()
                .setPrintStream(new PrintStream(formatterOutput, true, StandardCharsets.UTF_8))
                .setNodeId(NODE_ID)
                .setClusterId(newClusterId)
                .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                .setControllerListenerName(CONTROLLER_LISTENER)
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

    /** Waits until the broker answers a metadata request and lists itself as a live (unfenced) broker. */
    private void awaitReady(long deadlineNanos) {
        Map<String, Object> adminConfig = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, HOST + ":" + brokerPort,
                AdminClientConfig.CLIENT_ID_CONFIG, "switchboard-embedded-kafka-readiness",
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 3_000,
                AdminClientConfig.RETRY_BACKOFF_MS_CONFIG, 50,
                AdminClientConfig.RECONNECT_BACKOFF_MS_CONFIG, 50,
                AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        Exception lastError = null;
        try (Admin admin = Admin.create(adminConfig)) {
            while (System.nanoTime() < deadlineNanos) {
                long remainingMs = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime()));
                int callTimeoutMs = (int) Math.min(3_000, remainingMs);
                try {
                    Collection<Node> nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(callTimeoutMs))
                            .nodes().get(callTimeoutMs, TimeUnit.MILLISECONDS);
                    if (nodes.stream().anyMatch(n -> n.id() == NODE_ID && n.port() == brokerPort)) {
                        return;
                    }
                    lastError = null;
                } catch (ExecutionException | TimeoutException e) {
                    lastError = e;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while waiting for embedded Kafka to become ready", e);
                }
                // Back-off between probes (the broker answered but has not registered itself yet).
                try {
                    TimeUnit.MILLISECONDS.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("Interrupted while waiting for embedded Kafka to become ready", e);
                }
            }
        }
        throw new IllegalStateException("Embedded Kafka broker at " + HOST + ":" + brokerPort
                + " did not become ready within " + startupTimeout.toMillis() + " ms"
                + (lastError != null ? ": " + rootMessage(lastError) : " (broker not registered yet)"), lastError);
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

    private static void requirePortAvailable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), port));
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start embedded Kafka: " + HOST + ":" + port
                    + " is already in use (is another Kafka running?)", e);
        }
    }

    private static int freePort(int avoid) {
        for (int i = 0; i < 10; i++) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(InetAddress.getByName(HOST), 0));
                int port = socket.getLocalPort();
                if (port != avoid) {
                    return port;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot find a free port on " + HOST, e);
            }
        }
        throw new IllegalStateException("Cannot find a free port on " + HOST);
    }

    private static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.net.BindException) {
                return true;
            }
            String message = t.getMessage();
            if (message != null && message.contains("failed to bind")) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }

    /** OS-level lock on {@code <dataDir>/embedded-kafka.lock}, held while a broker runs on the directory. */
    private static final class DataDirLock {
        private final Path dataDir;
        private final FileChannel channel;
        private final FileLock lock;

        private DataDirLock(Path dataDir, FileChannel channel, FileLock lock) {
            this.dataDir = dataDir;
            this.channel = channel;
            this.lock = lock;
        }

        static DataDirLock acquire(Path dataDir) {
            FileChannel channel = null;
            try {
                channel = FileChannel.open(dataDir.resolve(LOCK_FILE_NAME), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                FileLock lock = channel.tryLock();
                if (lock == null) {
                    throw new OverlappingFileLockException();
                }
                return new DataDirLock(dataDir, channel, lock);
            } catch (OverlappingFileLockException e) {
                closeChannel(channel);
                throw new IllegalStateException("Kafka data directory " + dataDir
                        + " is already used by another running embedded Kafka broker", e);
            } catch (IOException e) {
                closeChannel(channel);
                throw new UncheckedIOException("Cannot lock Kafka data directory " + dataDir, e);
            }
        }

        synchronized void release() {
            try {
                if (lock.isValid()) {
                    lock.release();
                }
            } catch (IOException e) {
                LOG.debug("Could not release lock on {}", dataDir, e);
            } finally {
                closeChannel(channel);
            }
        }

        private static void closeChannel(FileChannel channel) {
            if (channel != null) {
                try {
                    channel.close();
                } catch (IOException e) {
                    LOG.debug("Could not close lock file channel", e);
                }
            }
        }
    }

    /** Builder for {@link EmbeddedKafkaBroker}. */
    public static final class Builder {
        private Path dataDir;
        private int port;
        private final Map<String, String> properties = new LinkedHashMap<>();
        private Duration startupTimeout = DEFAULT_STARTUP_TIMEOUT;

        private Builder() {
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
            if (RESERVED_KEYS.contains(key)) {
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
