package dev.switchboard.llm.embedded;

/** Embedding vectors as the in-process models compare them: scaled to unit length, then compared by dot product (cosine). */
public final class Vectors {

    private Vectors() {
    }

    /** The vector scaled to length 1; a zero vector stays zero. */
    public static float[] unit(float[] vector) {
        double norm = 0;
        for (float v : vector) {
            norm += v * v;
        }
        norm = Math.sqrt(norm);
        float[] out = new float[vector.length];
        for (int i = 0; i < vector.length; i++) {
            out[i] = norm == 0 ? 0 : (float) (vector[i] / norm);
        }
        return out;
    }

    /** The dot product: the cosine similarity of two unit vectors. */
    public static double dot(float[] a, float[] b) {
        double sum = 0;
        for (int i = 0; i < a.length; i++) {
            sum += a[i] * b[i];
        }
        return sum;
    }
}
