package dev.switchboard.workflows.cli;

import dev.switchboard.llm.ModelRegistry;
import dev.switchboard.schemas.spi.StepEnvironment;
import dev.switchboard.workflows.config.EngineConfig;
import dev.switchboard.workflows.model.Workflow;
import java.nio.file.Path;

/**
 * A workflow loaded outside the engine, with the configuration's models; closing it closes them.
 *
 * @param configFile  the configuration read, or null for the defaults
 * @param config      the configuration
 * @param models      its models and aliases
 * @param environment what the workflow's steps are created with
 * @param workflow    the workflow
 */
record LoadedWorkflow(Path configFile, EngineConfig config, ModelRegistry models, StepEnvironment environment, Workflow workflow)
        implements AutoCloseable {

    /** Refuses a model or alias the configuration does not declare, saying where to declare it. */
    void requireModel(String name) {
        if (!models.contains(name)) {
            throw CommandFailure.invalid("Unknown model '" + name + "'; configured: " + models.names() + ". Declare it under models: in "
                    + (configFile == null ? "a configuration passed with --config" : configFile));
        }
    }

    @Override
    public void close() {
        models.close();
    }
}
