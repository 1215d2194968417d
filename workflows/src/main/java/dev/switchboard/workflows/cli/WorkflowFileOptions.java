package dev.switchboard.workflows.cli;

import dev.switchboard.llm.ModelRegistry;
import dev.switchboard.schemas.spi.StepEnvironment;
import dev.switchboard.workflows.config.EngineConfig;
import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.workflows.model.StepTypes;
import dev.switchboard.workflows.model.Workflow;
import dev.switchboard.workflows.model.WorkflowLoader;
import dev.switchboard.workflows.runtime.EngineStepEnvironment;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The workflow a command runs outside the engine (eval, replay) and the configuration with its
 * models: {@code -c/--config}, else the {@code switchboard.yaml} beside the workflow, as the engine
 * would find it.
 */
final class WorkflowFileOptions {

    @Parameters(index = "0", paramLabel = "WORKFLOW", description = "The workflow file.")
    Path workflowFile;

    @Option(names = {"-c", "--config"}, paramLabel = "FILE",
            description = "The engine configuration with the models, Kafka and topics; default: switchboard.yaml beside the workflow, if any.")
    Path config;

    /**
     * Loads the configuration, its models and the workflow, as the engine would: a secret missing from the
     * environment is an error. Warnings are printed to {@code err}; a {@link CommandFailure}
     * with every problem when a file is invalid.
     */
    LoadedWorkflow load(PrintWriter err) {
        return load(EngineConfigLoader.standard(), false, err);
    }

    /** The same for a command that only checks and sends nothing ({@code eval}): a secret missing from the environment is a warning. */
    LoadedWorkflow loadForChecks(PrintWriter err) {
        return load(EngineConfigLoader.standard().forChecks(), true, err);
    }

    private LoadedWorkflow load(EngineConfigLoader configLoader, boolean forChecks, PrintWriter err) {
        Path configFile = config;
        Path folder = workflowFile.toAbsolutePath().getParent();
        if (configFile == null && folder != null && Files.isRegularFile(folder.resolve("switchboard.yaml"))) {
            configFile = folder.resolve("switchboard.yaml");
        }
        EngineConfig engineConfig = ConfigOption.load(configFile, configLoader, err);
        ModelRegistry models = new ModelRegistry(engineConfig.models(), engineConfig.aliases());
        try {
            StepEnvironment environment = new EngineStepEnvironment(engineConfig, models);
            WorkflowLoader loader = new WorkflowLoader(StepTypes.installed(), workflowFolder -> environment);
            Workflow workflow = WorkflowFiles.load(forChecks ? loader.forChecks() : loader, List.of(workflowFile), err).get(0);
            return new LoadedWorkflow(configFile, engineConfig, models, environment, workflow);
        } catch (RuntimeException e) {
            models.close();
            throw e;
        }
    }
}
