package dev.switchboard.workflows.ops;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches Kafka from the side: whether the cluster answers, and each stage's consumer lag (end
 * offsets minus committed offsets). Polls on its own thread, so health checks never wait on Kafka.
 */
public final class KafkaWatch implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaWatch.class);
    private static final Duration TIMEOUT = Duration.ofSeconds(5);

    private final Admin admin;
    private final List<String> groups;
    private final ScheduledExecutorService scheduler;
    private final Map<String, Long> lag = new ConcurrentHashMap<>();
    private volatile Instant lastContact;
    private volatile String lastError = "not polled yet";

    public KafkaWatch(String bootstrapServers, Map<String, String> clientProperties, List<String> groups, Duration interval) {
        Properties properties = new Properties();
        properties.putAll(clientProperties);
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TIMEOUT.toMillis());
        properties.put(AdminClientConfig.CLIENT_ID_CONFIG, "switchboard-watch");
        this.admin = Admin.create(properties);
        this.groups = List.copyOf(groups);
        this.scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "switchboard-kafka-watch");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.scheduleWithFixedDelay(this::poll, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Polls now (the scheduler also does it periodically). */
    public synchronized void poll() {
        try {
            admin.describeCluster().nodes().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            lastContact = Instant.now();
            lastError = null;
            for (String group : groups) {
                lag.put(group, lagOf(group));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            lastError = e.getClass().getSimpleName() + ": " + e.getMessage();
            LOG.debug("Kafka watch: {}", lastError);
        }
    }

    private long lagOf(String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                .partitionsToOffsetAndMetadata().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        if (committed.isEmpty()) {
            return 0;
        }
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        committed.keySet().forEach(partition -> latest.put(partition, OffsetSpec.latest()));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> ends = admin.listOffsets(latest).all()
                .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        long total = 0;
        for (Map.Entry<TopicPartition, OffsetAndMetadata> entry : committed.entrySet()) {
            if (entry.getValue() != null && ends.containsKey(entry.getKey())) {
                total += Math.max(0, ends.get(entry.getKey()).offset() - entry.getValue().offset());
            }
        }
        return total;
    }

    /** Whether Kafka answered within the last {@code within}. */
    public boolean reachable(Duration within) {
        Instant contact = lastContact;
        return contact != null && contact.isAfter(Instant.now().minus(within));
    }

    public String lastError() {
        return lastError;
    }

    /** Lag by consumer group, as of the last poll. */
    public long lag(String group) {
        return lag.getOrDefault(group, 0L);
    }

    public Admin admin() {
        return admin;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        admin.close(Duration.ofSeconds(5));
    }
}
