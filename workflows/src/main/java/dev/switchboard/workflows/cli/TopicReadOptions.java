package dev.switchboard.workflows.cli;

import dev.switchboard.workflows.config.EngineConfig;
import dev.switchboard.workflows.explain.Since;
import dev.switchboard.workflows.model.Workflow;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
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

    /** The workflows of {@code workflows:} in the configuration and of {@code extra} (files or folders), loaded leniently: read, not run. */
    static List<Workflow> workflows(EngineConfig engineConfig, List<Path> extra, PrintWriter err) throws IOException {
        List<Path> paths = new ArrayList<>(engineConfig.workflows());
        paths.addAll(extra);
        return WorkflowFiles.load(Validation.lenientLoader(), WorkflowFiles.expand(paths), err);
    }

    /** Where {@code --since} starts, counted back from {@code now}; an invalid value is a {@link CommandFailure} naming the option. */
    static Instant since(String since, Instant now) {
        try {
            return Since.parse(since, now);
        } catch (IllegalArgumentException e) {
            throw CommandFailure.invalid(e.getMessage().replace("Invalid since", "Invalid --since"));
        }
    }
}
