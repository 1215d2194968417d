package dev.switchboard.workflows.streams;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The invoice register: every {@code invoice.accepted} event becomes an entry keyed by its
 * {@code invoice_key} on a compacted topic, which every engine instance reads whole into a global
 * store. An {@code invoice.check} step asks its own instance's store whether an invoice was accepted
 * before, without asking another instance, and the store restores from the compacted topic.
 */
public final class InvoiceRegisterTopology {

    private static final ObjectMapper JSON = new ObjectMapper();

    private InvoiceRegisterTopology() {
    }

    public static Topology build(List<String> inputs, String registerTopic, StreamsObserver observer) {
        StreamsBuilder builder = new StreamsBuilder();
        builder.stream(inputs, Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()).withName("invoices.read"))
                .flatMap((key, value) -> {
                    KeyValue<String, byte[]> entry = entry(value);
                    observer.count("invoices", entry == null ? "skipped" : "registered");
                    return entry == null ? List.<KeyValue<String, byte[]>>of() : List.of(entry);
                }, Named.as("invoices.key"))
                .to(registerTopic, Produced.with(Serdes.String(), Serdes.ByteArray()).withName("invoices.write"));
        builder.globalTable(registerTopic, Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("invoices.load"),
                Materialized.<String, byte[], KeyValueStore<Bytes, byte[]>>as(StreamsNames.INVOICE_REGISTER_STORE)
                        .withKeySerde(Serdes.String()).withValueSerde(Serdes.ByteArray()));
        return builder.build();
    }

    /**
     * Creates the register topic, compacted, unless it exists: it is the store's only copy, and a
     * deleting retention would let a restored store forget old invoices.
     */
    static void createRegisterTopic(String bootstrapServers, Map<String, String> clientProperties, short replication) {
        Properties properties = new Properties();
        properties.putAll(clientProperties);
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        NewTopic topic = new NewTopic(StreamsNames.INVOICE_REGISTER_TOPIC, 1, replication)
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        try (Admin admin = Admin.create(properties)) {
            admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("Cannot create topic " + topic.name() + ": " + e.getCause().getMessage(), e.getCause());
            }
        } catch (TimeoutException e) {
            throw new IllegalStateException("Kafka at " + bootstrapServers + " did not answer within 30 s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while creating " + topic.name(), e);
        }
    }

    /** The register entry of an accepted invoice, or null for any other record. */
    static KeyValue<String, byte[]> entry(byte[] value) {
        JsonNode event = EventKey.parse(value);
        if (event == null || !LedgerInput.ACCEPTED.equals(event.path("type").asText())) {
            return null;
        }
        JsonNode data = event.path("data");
        String key = data.path("invoice_key").asText("");
        if (key.isBlank()) {
            return null;
        }
        ObjectNode entry = JSON.createObjectNode();
        entry.put("invoice_key", key);
        entry.put("invoice_number", data.path("invoice_number").asText(null));
        entry.put("supplier", data.path("supplier").path("name").asText(null));
        entry.put("issue_date", data.path("issue_date").asText(null));
        entry.put("event_id", event.path("id").asText(null));
        entry.put("source_event_id", data.path("source").path("event_id").asText(null));
        try {
            return KeyValue.pair(key, JSON.writeValueAsBytes(entry));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("A register entry could not be written as JSON", e);
        }
    }
}
