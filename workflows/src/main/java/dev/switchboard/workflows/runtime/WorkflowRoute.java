package dev.switchboard.workflows.runtime;

import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * The Camel route of one workflow: consume its topic in its own consumer group, in batches; run the
 * batch; write tasks and dead letters; and only once Kafka has acknowledged them, commit the offsets.
 * A crash anywhere before the commit replays the batch, and deterministic task ids make the replay
 * harmless.
 */
public final class WorkflowRoute extends RouteBuilder {

    private final WorkflowRunner runner;
    private final OutputWriter writer;
    private final BooleanSupplier running;
    private final int maxPollRecords;

    public WorkflowRoute(WorkflowRunner runner, OutputWriter writer, BooleanSupplier running, int maxPollRecords) {
        this.runner = runner;
        this.writer = writer;
        this.running = running;
        this.maxPollRecords = maxPollRecords;
    }

    public static String routeId(String workflow) {
        return "workflow." + workflow;
    }

    @Override
    public void configure() {
        var workflow = runner.workflow();
        from(KafkaEndpoints.batchConsumer(workflow.on().topicOrDefault(), workflow.consumerGroup(),
                workflow.on().startOrDefault(), maxPollRecords))
                .routeId(routeId(workflow.name()))
                .process(this::process);
    }

    private void process(Exchange batch) {
        List<Exchange> exchanges = KafkaBatch.exchanges(batch);
        if (exchanges.isEmpty()) {
            return;
        }
        List<ProducerRecord<byte[], byte[]>> outputs = runner.process(KafkaBatch.inputs(exchanges));
        writer.writeAll(outputs, running);
        KafkaBatch.commit(exchanges);
    }
}
