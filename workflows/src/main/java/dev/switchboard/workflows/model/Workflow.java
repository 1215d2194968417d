package dev.switchboard.workflows.model;

import java.nio.file.Path;
import java.util.List;

/**
 * A loaded, valid workflow.
 *
 * @param name        unique; names the consumer group ({@code switchboard.wf.<name>})
 * @param description for people
 * @param on          the trigger
 * @param steps       in order
 * @param file        where it was loaded from
 */
public record Workflow(String name, String description, Trigger on, List<StepSpec> steps, Path file) {

    public String consumerGroup() {
        return "switchboard.wf." + name;
    }
}
