package dev.switchboard.workflows.cli;

import dev.switchboard.workflows.config.EngineConfig;
import java.io.PrintWriter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code -c/--config} and {@code -b/--bootstrap-servers}: the configuration of a command that reads the engine's topics, and their Kafka. */
final class TopicReadOptions {

    @Mixin
    ConfigOption config;

    @Option(names = {"-b", "--bootstrap-servers"}, paramLabel = "HOST:PORT", scope = ScopeType.INHERIT,
            description = "Kafka bootstrap servers (default: those of --config).")
    String bootstrapServers;

    EngineConfig load(PrintWriter err) {
        return config.load(err);
    }

    /** {@code --bootstrap-servers} when given, else the broker of {@code engineConfig}. */
    String bootstrapServers(EngineConfig engineConfig) {
        return config.bootstrapServers(bootstrapServers, engineConfig);
    }
}
