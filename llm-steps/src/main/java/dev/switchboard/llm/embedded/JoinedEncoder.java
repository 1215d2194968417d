package dev.switchboard.llm.embedded;

import java.util.List;

/**
 * Several encoders side by side: a text's vector is its unit vector from each, concatenated and scaled by
 * {@code 1/sqrt(n)} so that it is a unit vector again (its cosine with another is the mean of the parts' cosines).
 * Encoders trained differently make different mistakes, so a head reading all of them is right more often than
 * one reading any of them, at the cost of running each. It does not own its parts: they are shared, and closed by
 * whoever made them.
 */
public final class JoinedEncoder implements SentenceEncoder {

    private final List<BatchEncoder> parts;
    private final String id;

    public JoinedEncoder(List<BatchEncoder> parts) {
        if (parts.size() < 2) {
            throw new IllegalArgumentException("A joined encoder needs at least two parts, got " + parts.size());
        }
        this.parts = List.copyOf(parts);
        this.id = String.join(EncoderModel.JOIN, parts.stream().map(BatchEncoder::id).toList());
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public int dimension() {
        return parts.stream().mapToInt(BatchEncoder::dimension).sum();
    }

    @Override
    public Encoded encode(List<String> texts) {
        float[][][] vectors = new float[parts.size()][][];
        long tokens = 0;
        for (int p = 0; p < parts.size(); p++) {
            Encoded encoded = parts.get(p).encode(texts);
            vectors[p] = encoded.vectors();
            tokens += encoded.tokens();
        }
        return new Encoded(join(vectors), tokens);
    }

    /** The rows of each part side by side, scaled to unit length: {@code parts[p][i]} is text {@code i}'s unit vector from part {@code p}. */
    public static float[][] join(float[][][] parts) {
        if (parts.length == 1) {
            return parts[0];
        }
        int rows = parts[0].length;
        float scale = (float) (1 / Math.sqrt(parts.length));
        float[][] out = new float[rows][];
        for (int i = 0; i < rows; i++) {
            int width = 0;
            for (float[][] part : parts) {
                width += part[i].length;
            }
            out[i] = new float[width];
            int at = 0;
            for (float[][] part : parts) {
                for (float value : part[i]) {
                    out[i][at++] = value * scale;
                }
            }
        }
        return out;
    }

    @Override
    public void close() {
        // the parts are shared; their maker closes them
    }
}
