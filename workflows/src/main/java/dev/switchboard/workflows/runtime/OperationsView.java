package dev.switchboard.workflows.runtime;

import dev.switchboard.workflows.config.Topics;
import dev.switchboard.workflows.model.Workflow;
import dev.switchboard.workflows.ops.EngineView;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * What the operations API sees of a running engine: its workflows, Kafka, topics and sources.
 *
 * @param engineSources the sources, or null when none are configured
 */
record OperationsView(BooleanSupplier engineRunning, WorkflowRoutes routes, KafkaConnection kafka, Topics topics, EngineSources engineSources)
        implements EngineView {

    @Override
    public boolean running() {
        return engineRunning.getAsBoolean() && routes.started();
    }

    @Override
    public List<WorkflowState> workflows() {
        return routes.states();
    }

    @Override
    public void pause(String workflow) {
        routes.pause(workflow);
    }

    @Override
    public void resume(String workflow) {
        routes.resume(workflow);
    }

    @Override
    public String bootstrapServers() {
        return kafka.bootstrapServers();
    }

    @Override
    public Map<String, String> clientProperties() {
        return kafka.clientProperties();
    }

    @Override
    public List<Workflow> definitions() {
        return routes.workflows();
    }

    @Override
    public Map<String, Map<String, Object>> sources() {
        return engineSources == null ? Map.of() : engineSources.health();
    }
}
