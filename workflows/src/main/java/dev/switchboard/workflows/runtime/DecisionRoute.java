package dev.switchboard.workflows.runtime;

import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;

/**
 * The Camel route that brings one workflow the decisions people took on the events it held: it
 * reads the decisions topic in the workflow's own decisions group (from the earliest offset, so that
 * no decision taken while the workflow was stopped is lost), catches the review ledger up, lets the
 * {@link WorkflowRunner} check and apply the batch, writes what that gives, and only then commits.
 * A crash before the commit reads the batch again; the review is then marked decided, and the
 * decision is refused as a second one.
 */
final class DecisionRoute extends RouteBuilder {

    private final WorkflowRunner runner;
    private final ReviewTopicLedger ledger;
    private final String topic;
    private final OutputWriter writer;
    private final BooleanSupplier running;
    private final int maxPollRecords;

    DecisionRoute(WorkflowRunner runner, ReviewTopicLedger ledger, String topic, OutputWriter writer, BooleanSupplier running, int maxPollRecords) {
        this.runner = runner;
        this.ledger = ledger;
        this.topic = topic;
        this.writer = writer;
        this.running = running;
        this.maxPollRecords = maxPollRecords;
    }

    static String routeId(String workflow) {
        return "workflow." + workflow + ".decisions";
    }

    /** The consumer group a workflow reads decisions in: its own, so that every workflow sees every decision. */
    static String groupId(String consumerGroup) {
        return consumerGroup + ".decisions";
    }

    @Override
    public void configure() {
        from(KafkaEndpoints.batchConsumer(topic, groupId(runner.workflow().consumerGroup()), "earliest", maxPollRecords))
                .routeId(routeId(runner.workflow().name()))
                .process(this::process);
    }

    private void process(Exchange batch) {
        List<Exchange> exchanges = KafkaBatch.exchanges(batch);
        if (exchanges.isEmpty()) {
            return;
        }
        List<InputRecord> decisions = KafkaBatch.inputs(exchanges);
        // every workflow reads the one decisions topic: a batch of other workflows' decisions costs no ledger read and
        // never takes this workflow's runner from its events
        if (decisions.stream().anyMatch(this::forThisWorkflow)) {
            ledger.catchUp();
            Outputs outputs = runner.decide(decisions, ledger);
            writer.writeAll(outputs.records(), running, runner.refusals(outputs));
        }
        KafkaBatch.commit(exchanges);
    }

    private boolean forThisWorkflow(InputRecord input) {
        return ReviewDecision.parse(input.value()).map(decision -> decision.workflow().equals(runner.workflow().name())).orElse(false);
    }
}
