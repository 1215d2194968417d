package dev.switchboard.workflows.runtime;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import org.apache.camel.Exchange;
import org.apache.camel.Route;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.component.kafka.consumer.errorhandler.KafkaConsumerListener;
import org.apache.camel.component.kafka.consumer.support.ProcessingResult;
import org.apache.camel.support.RoutePolicySupport;
import org.apache.kafka.common.KafkaException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Camel route of one workflow: consume its topic in its own consumer group, in batches; run the
 * batch (the first poll after a start in growing slices, {@link PollSlices}); write tasks and dead letters;
 * and only once Kafka has acknowledged them, commit the offsets.
 * <p>
 * The acknowledgements of one batch are awaited after the next batch has run, so that running a batch overlaps
 * Kafka's answer to the one before (the runner's CPU and the write's round trip had been one after the other):
 * batch N+1 runs and is sent, then batch N's outputs are awaited and N's offsets committed. When no batch follows,
 * the last one is committed after the next poll, as soon as Kafka has answered for it (at the latest
 * {@link #SETTLE_AFTER_MS} after it was sent). Offsets are never committed before every output of their batch is
 * acknowledged, on the consumer's own thread, and only for partitions the consumer still holds.
 * A crash anywhere before the commit replays the batch (now up to two), and deterministic task ids make the
 * replay harmless. A workflow held by its budget ({@link BudgetGate}) leaves its batch unprocessed and
 * uncommitted while its route stops: started again, it reads the batch again.
 */
public final class WorkflowRoute extends RouteBuilder {

    private static final Logger LOG = LoggerFactory.getLogger(WorkflowRoute.class);

    private final WorkflowRunner runner;
    private final OutputWriter writer;
    private final BooleanSupplier running;
    private final int maxPollRecords;
    private final BudgetGate budget;
    /** How long after its outputs were sent a batch is committed, at the latest, when no batch follows it. */
    static final long SETTLE_AFTER_MS = 50;
    /** Used by Camel's one consumer thread of this route only. */
    private final PollSlices slices = new PollSlices();
    /** The batch sent and not yet committed, by consumer (one: camel-kafka's default of one consumer per route). */
    private final Map<Object, Unsettled> unsettled = new ConcurrentHashMap<>();

    /** A batch whose outputs are with the producer and whose offsets wait for them. */
    private record Unsettled(OutputWriter.Sending sending, KafkaBatch.Offsets offsets, long sentAt) {
    }

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
                .routePolicy(new RoutePolicySupport() {
                    @Override
                    public void onInit(Route route) {
                        route.setConsumerListener(new AfterEachPoll()); // handed to camel-kafka's consumer when it is made
                    }
                })
                .process(this::process);
    }

    /** Told by camel-kafka after every poll, on the consumer's thread, records or none: the last batch is committed there. */
    private final class AfterEachPoll extends KafkaConsumerListener {
        @Override
        public boolean afterConsume(Object consumer) {
            Unsettled last = unsettled.get(consumer);
            if (last != null && (last.sending().answered() || System.nanoTime() - last.sentAt() > SETTLE_AFTER_MS * 1_000_000)) {
                try {
                    settle(consumer);
                } catch (RuntimeException e) {
                    // Thrown here, it would cost the records this poll just read: camel-kafka would skip them. The batch
                    // stays unsettled, and the next batch's run settles it or fails with it.
                    LOG.warn("Outputs of workflow {} not yet written after a poll: {}", runner.workflow().name(), e.toString());
                }
            }
            return true; // never pauses the consumer
        }

        @Override
        public boolean afterProcess(ProcessingResult result) {
            return true;
        }
    }

    /**
     * Awaits the unsettled batch's outputs and commits its offsets. A stop while they are unwritten throws and leaves
     * the batch unsettled and uncommitted. A commit Kafka refuses (a rebalance under way) is logged: the outputs are
     * written, and the records are read again by whoever holds their partition next.
     */
    private void settle(Object consumer) {
        Unsettled last = unsettled.get(consumer);
        if (last == null) {
            return;
        }
        writer.await(last.sending(), running);
        unsettled.remove(consumer, last);
        try {
            last.offsets().commit();
        } catch (KafkaException e) {
            LOG.warn("Offsets of a batch of workflow {} not committed, its records will be read again (same task ids): {}",
                    runner.workflow().name(), e.toString());
        }
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
        KafkaBatch.Offsets offsets = KafkaBatch.offsets(exchanges);
        if (budget != null && !budget.admits(workflow)) {
            if (offsets != null) {
                settle(offsets.consumer()); // what ran before the hold is committed; this batch waits
            }
            return false;
        }
        Outputs outputs = runner.run(KafkaBatch.inputs(exchanges));
        OutputWriter.Sending sending = writer.send(outputs.records(), runner.refusals(outputs));
        if (offsets == null) { // camel-kafka commits another way: at once, after the outputs
            writer.await(sending, running);
            KafkaBatch.commit(exchanges);
        } else {
            settle(offsets.consumer()); // the batch before: Kafka answered for it while this one ran
            unsettled.put(offsets.consumer(), new Unsettled(sending, offsets, System.nanoTime()));
        }
        if (budget != null) {
            budget.afterBatch(workflow);
        }
        return true;
    }
}
