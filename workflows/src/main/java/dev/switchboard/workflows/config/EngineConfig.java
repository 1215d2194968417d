package dev.switchboard.workflows.config;

import dev.switchboard.llm.ModelDefinition;
import dev.switchboard.schemas.spi.SinkFactory;
import dev.switchboard.schemas.spi.SourceFactory;
import dev.switchboard.workflows.model.ExternalTopics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The engine configuration ({@code switchboard.yaml}): Kafka, topics, models, sinks, outbound
 * policy, delivery and which workflow files to run. Every section has defaults, so an empty file
 * (or none) runs on an embedded broker with the embedded model.
 */
public record EngineConfig(KafkaSettings kafka, Topics topics, Map<String, ModelDefinition> models,
                           Map<String, SinkSpec> sinks, Outbound outbound, DeliverySettings delivery,
                           List<Path> workflows, Path baseDir, Map<String, SourceSpec> sources, HttpSettings http,
                           AdminSettings admin, TracingSettings tracing,
                           Map<String, List<String>> aliases, FileSettings files) {

    /** One configured source: its name, type and options. */
    public record SourceSpec(String name, String type, SourceFactory<Record> factory, Record options) {
    }

    /** A configuration with every section at its defaults, relative to {@code baseDir}. */
    public static EngineConfig defaults(Path baseDir) {
        return new EngineConfig(null, null, null, null, null, null, null, baseDir, null, null, null, null, null, null);
    }

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
        sources = sources == null ? Map.of() : Map.copyOf(sources);
        http = http == null ? HttpSettings.defaults() : http;
        admin = admin == null ? AdminSettings.defaults() : admin;
        aliases = aliases == null ? Map.of() : Map.copyOf(aliases);
        tracing = tracing == null ? TracingSettings.defaults() : tracing;
        files = files == null ? FileSettings.defaults() : files;
    }

    /**
     * The topics that sources from outside write (every source but change-data-capture ones), and the dedup stage's
     * output when its input is one of them.
     */
    public ExternalTopics externalTopics() {
        Map<String, List<String>> writers = new TreeMap<>();
        sources.values().stream().filter(source -> !source.factory().changeDataCapture()).forEach(source ->
                source.factory().topic(source.options()).ifPresent(topic -> writers.computeIfAbsent(topic, key -> new ArrayList<>())
                        .add("source '" + source.name() + "' (" + source.type() + ")")));
        StreamsSettings.Dedup dedup = kafka.streams() == null ? null : kafka.streams().dedup();
        if (dedup != null && writers.containsKey(dedup.input())) {
            writers.computeIfAbsent(dedup.output(), topic -> new ArrayList<>()).add("the dedup stage (from " + dedup.input() + ")");
        }
        return new ExternalTopics(writers);
    }

    /** The folders whose files workflows may name: this configuration's own and those {@code files.allowed_dirs} adds. */
    public List<Path> allowedFolders() {
        List<Path> folders = new ArrayList<>(List.of(baseDir));
        if (files.allowedDirs() != null) {
            files.allowedDirs().forEach(folder -> folders.add(baseDir.resolve(folder).normalize()));
        }
        return List.copyOf(folders);
    }

    public EngineConfig withKafka(KafkaSettings kafka) {
        return new EngineConfig(kafka, topics, models, sinks, outbound, delivery, workflows, baseDir, sources, http, admin, tracing, aliases, files);
    }

    public EngineConfig withHttp(HttpSettings http) {
        return new EngineConfig(kafka, topics, models, sinks, outbound, delivery, workflows, baseDir, sources, http, admin, tracing, aliases, files);
    }

    public EngineConfig withAdmin(AdminSettings admin) {
        return new EngineConfig(kafka, topics, models, sinks, outbound, delivery, workflows, baseDir, sources, http, admin, tracing, aliases, files);
    }

    /** The environment variable of the admin token: {@code admin.token_env}, unless the deprecated {@code http.admin_token_env} is set. */
    public String adminTokenEnv() {
        return http.adminTokenEnv() != null ? http.adminTokenEnv() : admin.tokenEnv();
    }

    public EngineConfig withWorkflows(List<Path> workflows) {
        return new EngineConfig(kafka, topics, models, sinks, outbound, delivery, workflows, baseDir, sources, http, admin, tracing, aliases, files);
    }
}
