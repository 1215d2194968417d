package dev.switchboard.workflows.runtime;

import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Hooks around the {@link WorkflowRunner}'s pipeline, in the shape of LangChain4j's chat listeners
 * ({@code onRequest → doChat → onResponse / onError}): each step invocation is announced before it
 * runs and reported after it, with its outcomes, or with the error it threw. Tracing, metrics and
 * audit records hang here, so the pipeline knows none of them. Listeners run on the batch's thread,
 * in the order given; a listener keeps state for an event in {@link EventRun#attributes()}.
 */
public interface StepListener {

    /** An event entered the workflow: parsed, of a type it takes (or resumed by a review decision), before its filter. */
    default void eventStarted(EventRun run) {
    }

    /**
     * An event left the workflow.
     *
     * @param end   how: skipped by the filter, failed (dead-lettered), held for review, or done
     * @param tasks the records of its tasks when done (listeners may add headers); empty otherwise
     */
    default void eventEnded(EventRun run, EventEnd end, List<ProducerRecord<byte[], byte[]>> tasks) {
    }

    /** A step is about to run over the events of {@code attempt}. */
    default void beforeStep(StepAttempt attempt) {
    }

    /**
     * A step ran: one result per event of {@code attempt}, in order, each saying whether it will be
     * tried again. Records a listener adds to {@code out} are written with the batch's outputs.
     */
    default void afterStep(StepAttempt attempt, List<StepResult> results, Outputs out) {
    }

    /**
     * The step threw for {@code run}, one event of {@code attempt} (when a call over several events
     * throws, the runner runs them again in halves to find the ones that cause it); that event counts
     * as a retriable failure.
     */
    default void onError(StepAttempt attempt, EventRun run, RuntimeException error) {
    }

    /**
     * A person decided a held event: {@code outcome} is {@code approved_unchanged}, {@code corrected} (approved with a value
     * of their own) or {@code rejected}; {@code model} is the model whose answer was held.
     */
    default void reviewDecided(String workflow, String step, String model, String outcome) {
    }

    /** A batch (or a refused output's dead letter, as a batch of none) is done. */
    default void afterBatch(String workflow, BatchCounts counts) {
    }

    /** How an event left the workflow. */
    enum EventEnd { SKIPPED, FAILED, REVIEW, DONE }
}
