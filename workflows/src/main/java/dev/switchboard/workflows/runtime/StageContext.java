package dev.switchboard.workflows.runtime;

import java.util.function.BooleanSupplier;

/**
 * What the engine's Kafka stages (workflows, delivery) share: their Kafka, the writer of their
 * outputs, whether the engine still runs, and where their metrics and traces go.
 *
 * @param running false once the engine stops: a stage then gives up retrying and commits nothing more
 */
record StageContext(KafkaConnection kafka, OutputWriter writer, BooleanSupplier running, RunObserver observer, Tracing tracing) {
}
