package dev.switchboard.workflows.model;

import dev.switchboard.schemas.spi.StepFactory;

/**
 * One step of a workflow as written: its id, its optional CEL {@code when}, its type and bound options.
 *
 * @param line the line of the step in its file, for run-time messages
 */
public record StepSpec(String id, String when, String type, StepFactory<Record> factory, Record options, int line) {
}
