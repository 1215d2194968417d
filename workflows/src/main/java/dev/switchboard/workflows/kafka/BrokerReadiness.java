package dev.switchboard.workflows.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Node;

/** Waits for a starting embedded broker to serve clients. */
final class BrokerReadiness {

    private BrokerReadiness() {
    }

    /** Waits until the broker answers a metadata request and lists itself as a live (unfenced) broker. */
    static void await(int nodeId, int brokerPort, long deadlineNanos, Duration startupTimeout) {
        Map<String, Object> adminConfig = Map.of(
                AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, EmbeddedKafkaBroker.HOST + ":" + brokerPort,
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
                    if (nodes.stream().anyMatch(n -> n.id() == nodeId && n.port() == brokerPort)) {
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
        throw new IllegalStateException("Embedded Kafka broker at " + EmbeddedKafkaBroker.HOST + ":" + brokerPort
                + " did not become ready within " + startupTimeout.toMillis() + " ms"
                + (lastError != null ? ": " + rootMessage(lastError) : " (broker not registered yet)"), lastError);
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
