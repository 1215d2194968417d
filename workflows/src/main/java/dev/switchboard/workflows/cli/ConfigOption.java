package dev.switchboard.workflows.cli;

import dev.switchboard.workflows.config.EngineConfig;
import dev.switchboard.workflows.config.EngineConfigLoader;
import java.nio.file.Path;
import java.util.stream.Collectors;
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

    /** The configuration named, or the engine's defaults (in this folder) when none is. */
    EngineConfig load() {
        return load(file);
    }

    /** The configuration in {@code file}; every problem of it, one a line, as a {@link CommandFailure}. */
    static EngineConfig load(Path file) {
        if (file == null) {
            return EngineConfig.defaults(Path.of("").toAbsolutePath());
        }
        EngineConfigLoader.Result result = EngineConfigLoader.standard().load(file);
        if (!result.ok()) {
            throw CommandFailure.invalid(result.problems().stream().map(Object::toString).collect(Collectors.joining(System.lineSeparator())));
        }
        return result.config();
    }
}
