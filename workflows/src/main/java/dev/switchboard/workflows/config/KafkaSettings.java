package dev.switchboard.workflows.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.schemas.options.Option;
import java.util.Map;

/** The {@code kafka:} section of the engine configuration. */
public record KafkaSettings(
        @Option(description = "Kafka bootstrap servers, e.g. `kafka-0:9092,kafka-1:9092`. Empty: Switchboard starts an embedded single-node broker on 127.0.0.1.")
        @JsonProperty("bootstrap_servers") String bootstrapServers,
        @Option(description = "Where the embedded broker keeps its data; it survives restarts. Ignored with bootstrap_servers.", defaultValue = ".switchboard/kafka")
        @JsonProperty("data_dir") String dataDir,
        @Option(description = "Port of the embedded broker; 0 picks a free one.", defaultValue = "0", minimum = 0, maximum = 65535)
        Integer port,
        @Option(description = "Extra Kafka client properties (security.protocol, sasl.mechanism, ssl.truststore.location, ...). Values may name an environment variable as ${env:NAME}.")
        Map<String, String> properties,
        @Option(description = "Partitions of topics Switchboard creates.", defaultValue = "3", minimum = 1, maximum = 1000)
        Integer partitions,
        @Option(description = "Replication factor of topics Switchboard creates.", defaultValue = "1", minimum = 1, maximum = 10)
        @JsonProperty("replication_factor") Integer replicationFactor,
        @Option(description = "How Switchboard writes the CloudEvents it makes (sources' events, windows' and digests' events): "
                + "`structured`, the whole event as one JSON value, or `binary`, attributes in `ce_` headers and the data as the value "
                + "(the CloudEvents Kafka binding's two modes). Switchboard reads both either way.",
                defaultValue = "structured", allowed = {"structured", "binary"})
        @JsonProperty("cloudevents_mode") String cloudEventsMode,
        @Option(description = "Kafka Streams stages: dedup of events, CRM tables for `crm.lookup` and `enrich`, and where their state lives. "
                + "Windowed and scheduled workflows need nothing here. See docs/state.md.")
        StreamsSettings streams) {

    public static KafkaSettings defaults() {
        return DefaultOptions.of(KafkaSettings.class);
    }

    public boolean embedded() {
        return bootstrapServers == null || bootstrapServers.isBlank();
    }
}
