package dev.switchboard.workflows.runtime;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/** Creates the topics a stage needs. */
public final class KafkaTopics {

    private static final int TIMEOUT_SECONDS = 30;

    private KafkaTopics() {
    }

    /** Creates a compacted topic of one partition when it does not exist yet: the latest record of each key is kept for ever. */
    public static void createCompacted(String bootstrapServers, Map<String, String> clientProperties, String topic,
                                       short replicationFactor) throws InterruptedException {
        create(bootstrapServers, clientProperties, Set.of(topic), Set.of(topic), 1, replicationFactor);
    }

    /** Creates each topic that does not exist yet; an existing one is left as it is. */
    public static void create(String bootstrapServers, Map<String, String> clientProperties, Set<String> topics,
                              int partitions, short replicationFactor) throws InterruptedException {
        create(bootstrapServers, clientProperties, topics, Set.of(), partitions, replicationFactor);
    }

    /** As {@link #create(String, Map, Set, int, short)}; those in {@code compacted} keep the latest value of each key instead of expiring. */
    public static void create(String bootstrapServers, Map<String, String> clientProperties, Set<String> topics, Set<String> compacted,
                              int partitions, short replicationFactor) throws InterruptedException {
        Properties properties = new Properties();
        properties.putAll(clientProperties);
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        try (Admin admin = Admin.create(properties)) {
            for (String topic : topics) {
                try {
                    NewTopic created = new NewTopic(topic, partitions, replicationFactor);
                    if (compacted.contains(topic)) {
                        created.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
                    }
                    admin.createTopics(List.of(created)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("Cannot create topic " + topic + ": " + e.getCause().getMessage(), e.getCause());
                    }
                } catch (TimeoutException e) {
                    throw new IllegalStateException("Kafka at " + bootstrapServers + " did not answer within " + TIMEOUT_SECONDS + " s", e);
                }
            }
        }
    }
}
