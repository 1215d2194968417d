package dev.switchboard.workflows.cli;

import dev.switchboard.llm.ModelRegistry;
import dev.switchboard.schemas.spi.StepEnvironment;
import dev.switchboard.workflows.config.EngineConfig;
import dev.switchboard.workflows.model.StepTypes;
import dev.switchboard.workflows.model.WorkflowLoader;
import dev.switchboard.workflows.runtime.EngineStepEnvironment;
import java.nio.file.Path;
import java.util.AbstractSet;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/** The loaders of {@code switchboard validate}: they build only what they check, never an engine, and send nothing. */
final class Validation {

    private Validation() {
    }

    /** Checks sink names and models against the configuration; the caller closes {@code models}. */
    static WorkflowLoader loader(EngineConfig config, ModelRegistry models) {
        StepEnvironment environment = new EngineStepEnvironment(config, models);
        return new WorkflowLoader(StepTypes.installed(), folder -> environment).forChecks();
    }

    /** Without an engine configuration: every sink name is accepted, models are not checked. */
    static WorkflowLoader lenientLoader() {
        Set<String> anySink = new AbstractSet<>() {
            @Override
            public boolean contains(Object o) {
                return true;
            }

            @Override
            public Iterator<String> iterator() {
                return Collections.emptyIterator();
            }

            @Override
            public int size() {
                return 0;
            }
        };
        FixedStepEnvironment environment = new FixedStepEnvironment(Path.of(""), anySink, List.of());
        return new WorkflowLoader(StepTypes.installed(), folder -> environment).forChecks();
    }
}
