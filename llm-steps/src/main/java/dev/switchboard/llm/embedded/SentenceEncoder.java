package dev.switchboard.llm.embedded;

import java.util.List;

/** Turns texts into unit vectors in-process: one {@link EncoderModel}, or several side by side ({@link JoinedEncoder}). */
public interface SentenceEncoder extends AutoCloseable {

    /** What {@code encoder:} calls it, e.g. {@code all-minilm-l6-v2-q}, or its parts joined by {@code +}. */
    String id();

    int dimension();

    /** Unit vectors, one per text in order, and the number of tokens read. */
    Encoded encode(List<String> texts);

    /** Unit vectors, one per text in order, and the number of tokens read. */
    record Encoded(float[][] vectors, long tokens) {
    }

    @Override
    void close();
}
