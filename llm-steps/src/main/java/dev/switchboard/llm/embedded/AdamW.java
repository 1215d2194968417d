package dev.switchboard.llm.embedded;

/** AdamW (Adam with decoupled weight decay) state over every parameter array. */
final class AdamW {
    private static final double BETA1 = 0.9;
    private static final double BETA2 = 0.999;
    private static final double EPSILON = 1e-8;
    private final float[][] first;
    private final float[][] second;
    private int steps;

    AdamW(float[][] parameters) {
        first = new float[parameters.length][];
        second = new float[parameters.length][];
        for (int i = 0; i < parameters.length; i++) {
            first[i] = new float[parameters[i].length];
            second[i] = new float[parameters[i].length];
        }
    }

    void step(float[][] parameters, float[][] gradients, boolean[] decayed, double rate, double decay) {
        steps++;
        double correction1 = 1 - Math.pow(BETA1, steps);
        double correction2 = 1 - Math.pow(BETA2, steps);
        float stepSize = (float) (rate / correction1);
        float root = (float) Math.sqrt(correction2);
        for (int a = 0; a < parameters.length; a++) {
            float[] p = parameters[a];
            float[] g = gradients[a];
            float[] m = first[a];
            float[] v = second[a];
            float shrink = decayed[a] ? (float) (1 - rate * decay) : 1;
            for (int i = 0; i < p.length; i++) {
                m[i] = (float) (BETA1 * m[i] + (1 - BETA1) * g[i]);
                v[i] = (float) (BETA2 * v[i] + (1 - BETA2) * g[i] * g[i]);
                p[i] = p[i] * shrink - stepSize * m[i] / ((float) Math.sqrt(v[i]) / root + (float) EPSILON);
            }
        }
    }
}
