package dev.switchboard.workflows.config;

import dev.switchboard.llm.ModelDefinition;
import dev.switchboard.schemas.spi.SinkFactory;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The engine configuration ({@code switchboard.yaml}): Kafka, topics, models, sinks, outbound
 * policy, delivery and which workflow files to run. Every section has defaults, so an empty file
 * (or none) runs on an embedded broker with the embedded model.
 */
public record EngineConfig(KafkaSettings kafka, Topics topics, Map<String, ModelDefinition> models,
                           Map<String, SinkSpec> sinks, Outbound outbound, DeliverySettings delivery,
                           List<Path> workflows, Path baseDir) {

    /** One configured sink: its name, type and options. */
    public record SinkSpec(String name, String type, SinkFactory<Record> factory, Record options) {
    }

    public EngineConfig {
        kafka = kafka == null ? KafkaSettings.defaults() : kafka;
        topics = topics == null ? Topics.defaults() : topics;
        models = models == null ? Map.of() : Map.copyOf(models);
        sinks = sinks == null ? Map.of() : Map.copyOf(sinks);
        outbound = outbound == null ? Outbound.defaults() : outbound;
        delivery = delivery == null ? DeliverySettings.defaults() : delivery;
        workflows = workflows == null ? List.of() : List.copyOf(workflows);
    }

    public EngineConfig withKafka(KafkaSettings kafka) {
        return new EngineConfig(kafka, topics, models, sinks, outbound, delivery, workflows, baseDir);
    }

    public EngineConfig withWorkflows(List<Path> workflows) {
        return new EngineConfig(kafka, topics, models, sinks, outbound, delivery, workflows, baseDir);
    }
}
