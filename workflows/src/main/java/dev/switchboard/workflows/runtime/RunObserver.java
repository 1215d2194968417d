package dev.switchboard.workflows.runtime;

import dev.switchboard.schemas.ModelCall;

/**
 * What the stages report as they run: metrics, traces and logs listen here, so the stages
 * themselves stay free of any particular telemetry library.
 */
public interface RunObserver {

    RunObserver NONE = new RunObserver() {
    };

    /** A batch of a workflow finished: how many events, and what became of them. */
    default void batch(String workflow, int events, int skipped, int tasks, int deadLetters, int reviews) {
    }

    /** One step ran over {@code events} events in {@code nanos}. */
    default void step(String workflow, String step, String type, int events, long nanos, int completed, int failed, int retried) {
    }

    /** A model call was made (or answered from the cache). */
    default void modelCall(String workflow, String step, ModelCall call) {
    }

    /** A held event was decided: approved_unchanged, corrected or rejected. */
    default void reviewOutcome(String workflow, String step, String model, String outcome) {
    }

    /** One delivery attempt: {@code outcome} is delivered, retry or rejected. */
    default void deliveryAttempt(String sink, String outcome, long nanos) {
    }

    /** A task's delivery ended: delivered or dead_lettered. */
    default void delivery(String sink, String outcome) {
    }
}
