package dev.switchboard.llm.steps.internal;

import dev.switchboard.llm.steps.ModelOptions;

/**
 * What {@link ModelStep} reads from a model step's options. Each step's options record implements it with its
 * own components: the record declares the options, this names them for the shared code.
 */
public interface ModelStepOptions {

    /** The text to send, a template over {@code event} and earlier {@code steps}. */
    String input();

    /** The model or alias. */
    String model();

    /** The input cap, the confidence threshold, the cache and the guardrails. */
    ModelOptions modelOptions();

    /** The workflow's own prompt template file, or null for the bundled one. */
    default String promptFile() {
        return null;
    }
}
