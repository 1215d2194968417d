package dev.switchboard.workflows.cli;

import dev.switchboard.workflows.config.EngineConfig;
import dev.switchboard.workflows.config.EngineConfigLoader;
import java.io.PrintWriter;
import java.nio.file.Path;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/** {@code -c/--config}: the engine configuration a command runs with. */
final class ConfigOption {

    @Option(names = {"-c", "--config"}, paramLabel = "FILE", scope = ScopeType.INHERIT,
            description = "The engine configuration (switchboard.yaml): Kafka, topics, models and sinks.")
    Path file;

    boolean given() {
        return file != null;
    }

    /**
     * The configuration named, or the engine's defaults (in this folder) when none is, for a command that runs or sends:
     * a secret missing from the environment is an error. Warnings are printed to {@code err}.
     */
    EngineConfig load(PrintWriter err) {
        return load(file, EngineConfigLoader.standard(), err);
    }

    /**
     * The same for a command that only checks and sends nothing ({@code validate}): a secret missing from the
     * environment is a warning, and everything else is still checked.
     */
    EngineConfig loadForChecks(PrintWriter err) {
        return load(file, EngineConfigLoader.standard().forChecks(), err);
    }

    /** The configuration in {@code file}: warnings printed to {@code err}; every problem, one a line, as a {@link CommandFailure}. */
    static EngineConfig load(Path file, EngineConfigLoader loader, PrintWriter err) {
        if (file == null) {
            return EngineConfig.defaults(Path.of("").toAbsolutePath());
        }
        EngineConfigLoader.Result result = loader.load(file);
        ProblemLines lines = new ProblemLines();
        lines.add(result.problems(), result.warnings());
        lines.report(err);
        return result.config();
    }

    /**
     * The Kafka a command that reads topics connects to: {@code --bootstrap-servers} when given, else the configuration's
     * broker; an embedded one only when it has a fixed {@code kafka.port}.
     */
    String bootstrapServers(String given, EngineConfig engineConfig) {
        if (given != null) {
            return given;
        }
        if (!engineConfig.kafka().embedded()) {
            return engineConfig.kafka().bootstrapServers();
        }
        Integer port = engineConfig.kafka().port();
        if (port == null || port == 0) {
            throw CommandFailure.invalid((given() ? file + " runs" : "Without --config, the engine runs")
                    + " an embedded broker on a random port; give its address with --bootstrap-servers, or set kafka.port");
        }
        return "127.0.0.1:" + port;
    }
}
