package dev.switchboard.llm.spi;

import java.util.List;

/**
 * Puts texts into one of a fixed set of labels. Implementations: the in-process embedding model and
 * any OpenAI-compatible chat endpoint. An answer outside the label set is never returned as a label:
 * it is a failed {@link Classification}.
 */
public interface Classifier extends AutoCloseable {

    /** The provider name from the configuration, e.g. {@code embedded} or {@code deepseek}. */
    String name();

    /** Classifies every text; returns one result per text, in order. Never throws for one bad answer. */
    List<Classification> classify(LabelSet labels, List<String> texts);

    /** Loads what classifying with these labels needs (a model, the labels' vectors) before the first texts come. */
    default void prepare(LabelSet labels) {
    }

    @Override
    default void close() {
    }
}
