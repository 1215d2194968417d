package dev.switchboard.workflows.streams;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Kafka Streams application of the engine: exactly-once (v2), state under the engine's state
 * folder, internal topics at the engine's replication factor. Its application id is also its
 * consumer group ({@link StreamsNames}).
 */
public final class StreamsStage implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamsStage.class);

    private final String applicationId;
    private final KafkaStreams streams;

    private StreamsStage(String applicationId, KafkaStreams streams) {
        this.applicationId = applicationId;
        this.streams = streams;
    }

    /** The properties every stage runs with; {@code overrides} (e.g. {@code application.server}) win. */
    public static Properties properties(String applicationId, String bootstrapServers, Map<String, String> clientProperties,
                                        Path stateDir, short replicationFactor, String offsetReset, Map<String, String> overrides) {
        Properties properties = new Properties();
        properties.putAll(clientProperties);
        properties.put(StreamsConfig.APPLICATION_ID_CONFIG, applicationId);
        properties.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        properties.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toAbsolutePath().toString());
        properties.put(StreamsConfig.REPLICATION_FACTOR_CONFIG, Short.toString(replicationFactor));
        properties.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, "1");
        properties.put(StreamsConfig.consumerPrefix(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG), offsetReset);
        properties.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, "true");
        properties.putAll(overrides);
        return properties;
    }

    /** Creates and starts the application. */
    public static StreamsStage start(String applicationId, Topology topology, Properties properties) {
        KafkaStreams streams = new KafkaStreams(topology, properties);
        streams.setUncaughtExceptionHandler(exception -> {
            // A stage's processors never throw for bad input; what gets here is an outage (broker, disk) a new thread may survive.
            LOG.error("Stream thread of {} died; replacing it: {}", applicationId, exception.toString());
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.start();
        LOG.info("Kafka Streams stage {} started", applicationId);
        return new StreamsStage(applicationId, streams);
    }

    public String applicationId() {
        return applicationId;
    }

    public KafkaStreams streams() {
        return streams;
    }

    public KafkaStreams.State state() {
        return streams.state();
    }

    /** Waits until the stage runs (restored, partitions assigned); false when it did not within the timeout. */
    public boolean awaitRunning(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (streams.state() == KafkaStreams.State.RUNNING) {
                return true;
            }
            try {
                Thread.sleep(50); // polling the state: the one state listener of a client is not ours to take
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return streams.state() == KafkaStreams.State.RUNNING;
    }

    /**
     * Stops the stage and leaves its group, so that the other instances take its partitions (and answer
     * its CRM keys) at once rather than after the session timeout; a restarted instance likewise gets
     * its partitions without waiting for its former self to expire.
     */
    @Override
    public void close() {
        if (!streams.close(CloseOptions.timeout(Duration.ofSeconds(30))
                .withGroupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP))) {
            LOG.warn("Kafka Streams stage {} did not stop within 30 s", applicationId);
        }
    }
}
