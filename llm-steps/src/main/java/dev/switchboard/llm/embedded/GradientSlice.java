package dev.switchboard.llm.embedded;

import java.util.Arrays;
import java.util.Random;

/**
 * Gradients of one slice of a mini-batch, with its own buffers: softmax cross-entropy with label smoothing
 * over a linear layer, or over a ReLU hidden layer with dropout. Slices of one batch run in parallel and are
 * summed in a fixed order, so that training is deterministic for a seed.
 */
final class GradientSlice {
    final int dimension;
    final int hidden;
    final int labels;
    final int width;
    final float[][] gradients;
    final float[] input;
    final float[] activation;
    final float[] mask;
    final float[] hiddenGradient;
    final double[] z;
    private final float scale;
    private final double smoothing;
    private final double dropout;

    GradientSlice(int dimension, int hidden, int labels, float[][] parameters, HeadTrainer.Settings settings) {
        this.scale = (float) settings.inputScale();
        this.smoothing = settings.labelSmoothing();
        this.dropout = settings.dropout();
        this.dimension = dimension;
        this.hidden = hidden;
        this.labels = labels;
        this.width = hidden == 0 ? dimension : hidden;
        this.gradients = new float[parameters.length][];
        for (int i = 0; i < parameters.length; i++) {
            gradients[i] = new float[parameters[i].length];
        }
        input = new float[dimension];
        activation = new float[hidden];
        mask = new float[hidden];
        hiddenGradient = new float[hidden];
        z = new double[labels];
    }

    void gradients(float[][] x, int[] y, int[] order, int from, int to, int batch, float[] w1, float[] b1, float[] w2, float[] b2,
                   Random random) {
        for (float[] gradient : gradients) {
            Arrays.fill(gradient, 0);
        }
        float keep = (float) (1 / (1 - dropout));
        for (int k = from; k < to; k++) {
            float[] vector = x[order[k]];
            int target = y[order[k]];
            for (int d = 0; d < dimension; d++) {
                input[d] = vector[d] * scale;
            }
            float[] features = input;
            if (hidden > 0) {
                System.arraycopy(b1, 0, activation, 0, hidden);
                for (int d = 0; d < dimension; d++) {
                    float value = input[d];
                    int row = d * hidden;
                    for (int j = 0; j < hidden; j++) {
                        activation[j] += value * w1[row + j];
                    }
                }
                for (int j = 0; j < hidden; j++) {
                    mask[j] = dropout > 0 && random.nextDouble() < dropout ? 0 : keep;
                    activation[j] = activation[j] > 0 ? activation[j] * mask[j] : 0;
                }
                features = activation;
            }
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < labels; c++) {
                float sum = 0;
                int row = c * width;
                for (int j = 0; j < width; j++) {
                    sum += w2[row + j] * features[j];
                }
                z[c] = sum + b2[c];
                max = Math.max(max, z[c]);
            }
            double total = 0;
            for (int c = 0; c < labels; c++) {
                z[c] = Math.exp(z[c] - max);
                total += z[c];
            }
            if (hidden > 0) {
                Arrays.fill(hiddenGradient, 0);
            }
            for (int c = 0; c < labels; c++) {
                double wanted = (c == target ? 1 - smoothing : 0) + smoothing / labels;
                float g = (float) ((z[c] / total - wanted) / batch);
                gradients[3][c] += g;
                int row = c * width;
                for (int j = 0; j < width; j++) {
                    gradients[2][row + j] += g * features[j];
                }
                if (hidden > 0) {
                    for (int j = 0; j < hidden; j++) {
                        hiddenGradient[j] += g * w2[row + j];
                    }
                }
            }
            if (hidden > 0) {
                for (int j = 0; j < hidden; j++) {
                    hiddenGradient[j] = activation[j] > 0 ? hiddenGradient[j] * mask[j] : 0;
                    gradients[1][j] += hiddenGradient[j];
                }
                float[] g1 = gradients[0];
                for (int d = 0; d < dimension; d++) {
                    float value = input[d];
                    int row = d * hidden;
                    for (int j = 0; j < hidden; j++) {
                        g1[row + j] += value * hiddenGradient[j];
                    }
                }
            }
        }
    }

    void add(GradientSlice other) {
        for (int i = 0; i < gradients.length; i++) {
            float[] mine = gradients[i];
            float[] theirs = other.gradients[i];
            for (int j = 0; j < mine.length; j++) {
                mine[j] += theirs[j];
            }
        }
    }
}
