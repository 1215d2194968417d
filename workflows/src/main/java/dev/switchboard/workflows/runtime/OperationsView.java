package dev.switchboard.workflows.runtime;

import dev.switchboard.workflows.config.Topics;
import dev.switchboard.workflows.ops.EngineView;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** What the operations API sees of a running engine: its workflows, Kafka, topics and sources. */
final class OperationsView implements EngineView {

    private final BooleanSupplier running;
    private final WorkflowRoutes routes;
    private final KafkaConnection kafka;
    private final Topics topics;
    private final EngineSources sources;

    /** @param sources the sources, or null when none are configured */
    OperationsView(BooleanSupplier running, WorkflowRoutes routes, KafkaConnection kafka, Topics topics, EngineSources sources) {
        this.running = running;
        this.routes = routes;
        this.kafka = kafka;
        this.topics = topics;
        this.sources = sources;
    }

    @Override
    public boolean running() {
        return running.getAsBoolean() && routes.started();
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
    public String deadLetterTopic() {
        return topics.deadLetter();
    }

    @Override
    public String reviewTopic() {
        return topics.review();
    }

    @Override
    public Map<String, Map<String, Object>> sources() {
        return sources == null ? Map.of() : sources.health();
    }
}
