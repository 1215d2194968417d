package dev.switchboard.llm.spi;

import dev.switchboard.schemas.ModelCall;

/**
 * One classification: a label from the set with a confidence in [0, 1], or a failure.
 *
 * @param label      the label, or null when failed
 * @param confidence in [0, 1]
 * @param call       the accounted model call (present on failures too, when a call was made)
 * @param error      why it failed, or null
 * @param retriable  whether trying again may succeed (timeouts, 429, 5xx) rather than not (answer outside the labels)
 */
public record Classification(String label, double confidence, ModelCall call, String error, boolean retriable) {

    public static Classification of(String label, double confidence, ModelCall call) {
        return new Classification(label, confidence, call, null, false);
    }

    public static Classification failed(String error, boolean retriable, ModelCall call) {
        return new Classification(null, 0, call, error, retriable);
    }

    public boolean ok() {
        return error == null;
    }
}
