package dev.switchboard.workflows.runtime;

import dev.switchboard.schemas.spi.StepOutcome;

/**
 * What a step gave for one event.
 *
 * @param retried true when the outcome is a retriable failure that will be tried again
 */
public record StepResult(EventRun run, StepOutcome outcome, boolean retried) {
}
