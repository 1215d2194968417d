package dev.switchboard.workflows.runtime;

import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * The Camel route of one workflow: consume its topic in its own consumer group, in batches; run the
 * batch (the first poll after a start in growing slices, {@link PollSlices}); write tasks and dead letters;
 * and only once Kafka has acknowledged them, commit the offsets.
 * A crash anywhere before the commit replays the batch, and deterministic task ids make the replay
 * harmless. A workflow held by its budget ({@link BudgetGate}) leaves its batch unprocessed and
 * uncommitted while its route stops: started again, it reads the batch again.
 */
public final class WorkflowRoute extends RouteBuilder {

    private final WorkflowRunner runner;
    private final OutputWriter writer;
    private final BooleanSupplier running;
    private final int maxPollRecords;
    private final BudgetGate budget;
    /** Used by Camel's one consumer thread of this route only. */
    private final PollSlices slices = new PollSlices();

    /** @param budget holds the workflow when its budget says pause; null for none */
    public WorkflowRoute(WorkflowRunner runner, OutputWriter writer, BooleanSupplier running, int maxPollRecords, BudgetGate budget) {
        this.runner = runner;
        this.writer = writer;
        this.running = running;
        this.maxPollRecords = maxPollRecords;
        this.budget = budget;
    }

    public static String routeId(String workflow) {
        return "workflow." + workflow;
    }

    @Override
    public void configure() {
        var workflow = runner.workflow();
        from(KafkaEndpoints.batchConsumer(workflow.on().topic(), workflow.consumerGroup(),
                workflow.on().start(), maxPollRecords))
                .routeId(routeId(workflow.name()))
                .process(this::process);
    }

    private void process(Exchange batch) {
        for (List<Exchange> slice : slices.slice(KafkaBatch.exchanges(batch))) {
            if (!runSlice(slice)) {
                return;
            }
        }
    }

    /** Runs, writes and commits one slice of a poll; false when the budget holds the workflow and the rest waits. */
    private boolean runSlice(List<Exchange> exchanges) {
        String workflow = runner.workflow().name();
        if (budget != null && !budget.admits(workflow)) {
            return false;
        }
        Outputs outputs = runner.run(KafkaBatch.inputs(exchanges));
        writer.writeAll(outputs.records(), running, runner.refusals(outputs));
        KafkaBatch.commit(exchanges);
        if (budget != null) {
            budget.afterBatch(workflow);
        }
        return true;
    }
}
