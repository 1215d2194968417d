package dev.switchboard.llm.embedded;

/** Figures of a head on held-out examples, from its logits: accuracy, log-loss, calibration error, and the temperature that calibrates it. */
final class HeldOutMetrics {

    private HeldOutMetrics() {
    }

    static double accuracy(double[][] logits, int[] y) {
        int correct = 0;
        for (int i = 0; i < logits.length; i++) {
            if (argmax(logits[i]) == y[i]) {
                correct++;
            }
        }
        return logits.length == 0 ? Double.NaN : (double) correct / logits.length;
    }

    static int argmax(double[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }

    static double logLoss(double[][] logits, int[] y, double temperature) {
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            sum -= Math.log(Math.max(1e-12, TrainedHead.softmax(logits[i], temperature)[y[i]]));
        }
        return sum / logits.length;
    }

    /** Expected calibration error over 10 equal-width confidence bins. */
    static double ece(double[][] logits, int[] y, double temperature) {
        int bins = 10;
        double[] confidence = new double[bins];
        double[] correct = new double[bins];
        int[] count = new int[bins];
        for (int i = 0; i < logits.length; i++) {
            double[] p = TrainedHead.softmax(logits[i], temperature);
            int top = argmax(p);
            int bin = Math.min(bins - 1, (int) (p[top] * bins));
            confidence[bin] += p[top];
            correct[bin] += top == y[i] ? 1 : 0;
            count[bin]++;
        }
        double error = 0;
        for (int b = 0; b < bins; b++) {
            if (count[b] > 0) {
                error += Math.abs(confidence[b] - correct[b]) / logits.length;
            }
        }
        return error;
    }

    /** The temperature minimizing log-loss, by golden-section search on log T in [-3, 3]. */
    static double fitTemperature(double[][] logits, int[] y) {
        double low = -3;
        double high = 3;
        double ratio = (Math.sqrt(5) - 1) / 2;
        for (int i = 0; i < 60; i++) {
            double a = high - ratio * (high - low);
            double b = low + ratio * (high - low);
            if (logLoss(logits, y, Math.exp(a)) < logLoss(logits, y, Math.exp(b))) {
                high = b;
            } else {
                low = a;
            }
        }
        return Math.exp((low + high) / 2);
    }
}
