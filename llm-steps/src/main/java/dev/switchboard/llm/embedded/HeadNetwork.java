package dev.switchboard.llm.embedded;

import java.util.Arrays;

/**
 * One network of a {@link TrainedHead}: {@code W2 · relu(W1 · s·x + b1) + b2} with one hidden layer, or
 * {@code W · s·x + b} when {@code hidden} is 0, where {@code x} is the unit vector of one encoder and {@code s} the
 * input scale. It gives raw scores, one per label of its head.
 *
 * @param encoder the encoder whose vectors it reads ({@link EncoderModel#id()})
 * @param w1      {@code dimension × hidden}, input-major (row {@code d} holds the weights from input {@code d});
 *                for a linear network ({@code hidden} 0) it is empty and {@code w2} reads the input directly
 * @param w2      {@code labels × width}, label-major, where width is {@code hidden} or {@code dimension}
 */
public record HeadNetwork(String encoder, int dimension, int hidden, float inputScale, float[] w1, float[] b1, float[] w2, float[] b2) {

    public HeadNetwork {
        int width = hidden == 0 ? dimension : hidden;
        if (dimension < 1 || hidden < 0 || b2.length < 1 || w1.length != (long) dimension * hidden || b1.length != hidden
                || w2.length != (long) b2.length * width) {
            throw new IllegalArgumentException("Weight shapes do not match " + b2.length + " labels, dimension " + dimension
                    + " and hidden " + hidden);
        }
    }

    /** The labels it scores. */
    public int labels() {
        return b2.length;
    }

    /** Raw scores for the {@code dimension} values of {@code vector} from {@code offset}, each multiplied by {@code factor}. */
    public double[] logits(float[] vector, int offset, float factor) {
        float[] features;
        int width;
        float scale = inputScale * factor;
        if (hidden > 0) {
            float[] h = Arrays.copyOf(b1, hidden);
            for (int d = 0; d < dimension; d++) {
                float x = vector[offset + d] * scale;
                int row = d * hidden;
                for (int j = 0; j < hidden; j++) {
                    h[j] += x * w1[row + j];
                }
            }
            for (int j = 0; j < hidden; j++) {
                h[j] = Math.max(0, h[j]);
            }
            features = h;
            width = hidden;
            scale = 1;
        } else {
            features = Arrays.copyOfRange(vector, offset, offset + dimension);
            width = dimension;
        }
        double[] z = new double[b2.length];
        for (int c = 0; c < z.length; c++) {
            double sum = 0;
            int row = c * width;
            for (int j = 0; j < width; j++) {
                sum += w2[row + j] * features[j];
            }
            z[c] = sum * scale + b2[c];
        }
        return z;
    }
}
