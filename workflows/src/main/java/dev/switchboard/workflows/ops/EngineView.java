package dev.switchboard.workflows.ops;

import dev.switchboard.workflows.config.Topics;
import dev.switchboard.workflows.model.Workflow;
import java.util.List;
import java.util.Map;

/** What the operations API sees of a running engine, and the two things it may change. */
public interface EngineView {

    /** One workflow as operations see it. */
    record WorkflowState(String name, String state, String consumerGroup, String topic, Map<String, Long> counters) {
    }

    boolean running();

    List<WorkflowState> workflows();

    /** Stops consuming for a workflow; its offsets stay where they are. */
    void pause(String workflow);

    void resume(String workflow);

    String bootstrapServers();

    Map<String, String> clientProperties();

    default String deadLetterTopic() {
        return topics().deadLetter();
    }

    default String reviewTopic() {
        return topics().review();
    }

    /** Where decisions on reviews go: only the admin API and the CLI write it. */
    default String decisionsTopic() {
        return topics().decisions();
    }

    /** Health of each source by name. */
    Map<String, Map<String, Object>> sources();

    /** The topics the engine writes. */
    Topics topics();

    /** The workflows as their files define them. */
    List<Workflow> definitions();
}
