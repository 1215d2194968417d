package dev.switchboard.workflows.model;

import dev.switchboard.llm.Budgets;
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
 * @param budget      the daily model budget and what happens when it is spent, or null for none
 */
public record Workflow(String name, String description, Trigger on, List<StepSpec> steps, Path file, Budgets.Options budget) {

    /** A workflow without a budget. */
    public Workflow(String name, String description, Trigger on, List<StepSpec> steps, Path file) {
        this(name, description, on, steps, file, null);
    }

    public String consumerGroup() {
        return "switchboard.wf." + name;
    }

    /** The same workflow started by another trigger (a stage's topic), everything else kept. */
    public Workflow withTrigger(Trigger trigger) {
        return new Workflow(name, description, trigger, steps, file, budget);
    }
}
