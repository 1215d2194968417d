package dev.switchboard.llm.embedded;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Consumer;
import java.util.stream.IntStream;

/**
 * Trains a {@link TrainedHead} on unit embeddings of one encoder or several, in plain Java: mini-batch AdamW with a cosine
 * learning-rate schedule, decoupled weight decay, label smoothing and dropout on the hidden layer.
 *
 * <p>With a calibration share, a stratified part of the data is held out first: the head trained on
 * the rest gives held-out accuracy and the temperature that minimizes held-out log-loss; then (with
 * {@code refit}) the head is retrained on everything and keeps that temperature. Runs are
 * deterministic for a seed on any machine: each mini-batch is split into a fixed number of slices,
 * each with its own random stream, computed in parallel and summed in order.
 */
public final class HeadTrainer {

    /**
     * @param hidden           hidden units; 0 trains a linear softmax (multinomial logistic regression)
     * @param epochs           passes over the data
     * @param batchSize        examples per update
     * @param learningRate     peak AdamW step size, decayed to 0 on a cosine
     * @param weightDecay      decoupled L2 on the weights (not the biases)
     * @param labelSmoothing   share of the target spread over all labels
     * @param dropout          share of hidden units dropped while training
     * @param inputScale       factor on the unit embedding; cosine-sized inputs train slowly without it
     * @param calibrationShare share held out per label for the temperature and held-out figures; 0 skips it
     * @param refit            retrain on all data after calibration
     * @param seed             for the split, the initial weights, the order and dropout
     * @param slices           parts of each mini-batch computed in parallel; part of the recipe, since it fixes the summation order
     * @param networks         networks trained per encoder, from seeds {@code seed}, {@code seed + 1}, ...; the head answers
     *                         with the mean of all their probabilities
     */
    public record Settings(int hidden, int epochs, int batchSize, double learningRate, double weightDecay,
                           double labelSmoothing, double dropout, double inputScale, double calibrationShare,
                           boolean refit, long seed, int slices, int networks) {

        /** The settings measured best on Banking77 (docs/evaluation.md): {@link Tuning}'s starting values. */
        public static Settings defaults() {
            return tuned(t -> { });
        }

        /** The defaults with some changed, e.g. {@code tuned(t -> t.hidden = 0)}; the result is checked as any. */
        public static Settings tuned(Consumer<Tuning> change) {
            Tuning t = new Tuning();
            change.accept(t);
            return new Settings(t.hidden, t.epochs, t.batchSize, t.learningRate, t.weightDecay, t.labelSmoothing, t.dropout,
                    t.inputScale, t.calibrationShare, t.refit, t.seed, t.slices, t.networks);
        }

        public Settings {
            check(hidden >= 0, "hidden", hidden, "0 or more");
            check(epochs >= 1, "epochs", epochs, "1 or more");
            check(batchSize >= 1, "batch size", batchSize, "1 or more");
            check(learningRate > 0, "learning rate", learningRate, "above 0");
            check(weightDecay >= 0, "weight decay", weightDecay, "0 or more");
            check(labelSmoothing >= 0 && labelSmoothing < 1, "label smoothing", labelSmoothing, "in [0, 1)");
            check(dropout >= 0 && dropout < 1, "dropout", dropout, "in [0, 1)");
            check(inputScale > 0, "input scale", inputScale, "above 0");
            check(calibrationShare >= 0 && calibrationShare < 0.5, "calibration share", calibrationShare, "in [0, 0.5)");
            check(slices >= 1, "slices", slices, "1 or more");
            check(networks >= 1 && networks <= 16, "networks per encoder", networks, "1 to 16");
        }

        private static void check(boolean valid, String name, Object value, String expected) {
            if (!valid) {
                throw new IllegalArgumentException("Invalid " + name + ": got " + value + ", expected " + expected);
            }
        }

        /** Every setting under its snake_case name, in declaration order: the notes a trained head keeps. */
        Map<String, Object> describe() {
            Map<String, Object> map = new LinkedHashMap<>();
            for (RecordComponent component : Settings.class.getRecordComponents()) {
                String name = component.getName().replaceAll("([A-Z])", "_$1").toLowerCase(Locale.ROOT);
                try {
                    map.put(name, component.getAccessor().invoke(this));
                } catch (ReflectiveOperationException e) {
                    throw new IllegalStateException("Cannot read setting " + name, e);
                }
            }
            return map;
        }
    }

    /**
     * A draft of {@link Settings} to change in place, one field per setting (see there), starting at the
     * defaults; only {@link Settings#tuned} makes one, and the settings it yields are checked when built.
     */
    public static final class Tuning {
        public int hidden = 512;
        public int epochs = 20;
        public int batchSize = 64;
        public double learningRate = 1e-3;
        public double weightDecay = 1e-4;
        public double labelSmoothing = 0.1;
        public double dropout = 0.3;
        public double inputScale = 10;
        public double calibrationShare = 0.1;
        public boolean refit = true;
        public long seed = 42;
        public int slices = 2;
        public int networks = 1;

        private Tuning() {
        }
    }

    /** Told where training is: {@code phase} is {@code calibrate} or {@code fit}. */
    @FunctionalInterface
    public interface Listener {
        void epoch(String phase, int epoch, int epochs);

        Listener NONE = (phase, epoch, epochs) -> { };
    }

    /** Held-out figures of the calibration phase; NaN when there was none. */
    public record Calibration(double accuracy, double temperature, double logLossBefore, double logLossAfter,
                              double eceBefore, double eceAfter, int examples) {
    }

    /** The head and what training measured. */
    public record Result(TrainedHead head, Calibration calibration, double seconds) {
    }

    private final Settings settings;

    public HeadTrainer(Settings settings) {
        this.settings = settings;
    }

    /**
     * @param vectors unit embeddings, one per example
     * @param labels  the label of each example
     * @param model   the embedding model's name, recorded in the head
     */
    public Result train(float[][] vectors, List<String> labels, String model, Listener listener) {
        return train(new float[][][] {vectors}, labels, List.of(model), listener);
    }

    /**
     * A head of one network per encoder, each trained on its own encoder's vectors with the same settings; the head
     * answers with the mean of their probabilities, and the temperature is calibrated on that mean.
     *
     * @param parts    per encoder, the unit embeddings, one per example in the same order
     * @param labels   the label of each example
     * @param encoders the encoders' names, one per part, recorded in the head
     */
    public Result train(float[][][] parts, List<String> labels, List<String> encoders, Listener listener) {
        return train(parts, labels, encoders, null, listener);
    }

    /**
     * As {@link #train(float[][][], List, List, Listener)}, with the rows to calibrate on given: {@code heldOut[i]}
     * true for each; null draws a stratified share of each label ({@link Settings#calibrationShare()}). A head on an
     * encoder fine-tuned on some of the rows calibrates on the others, the only ones whose answers are as sure as
     * new messages' will be.
     */
    public Result train(float[][][] parts, List<String> labels, List<String> encoders, boolean[] heldOut, Listener listener) {
        if (heldOut != null && (heldOut.length != labels.size() || settings.calibrationShare() <= 0)) {
            throw new IllegalArgumentException("Rows to calibrate on need a calibration share above 0 and one flag per row, got "
                    + heldOut.length + " flags for " + labels.size() + " rows");
        }
        if (parts.length == 0 || parts.length != encoders.size()) {
            throw new IllegalArgumentException("Expected one encoder name per part, got " + parts.length + " parts and " + encoders);
        }
        for (float[][] vectors : parts) {
            if (vectors.length != labels.size() || vectors.length == 0) {
                throw new IllegalArgumentException("Expected one label per vector, got " + vectors.length + " vectors and " + labels.size() + " labels");
            }
        }
        long started = System.nanoTime();
        List<String> names = labels.stream().distinct().sorted().toList();
        if (names.size() < 2) {
            throw new IllegalArgumentException("Training needs at least two labels, got " + names);
        }
        Map<String, Integer> index = new LinkedHashMap<>();
        names.forEach(name -> index.put(name, index.size()));
        int[] y = labels.stream().mapToInt(index::get).toArray();

        Calibration calibration = new Calibration(Double.NaN, 1, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 0);
        double temperature = 1;
        TrainedHead head = null;
        if (settings.calibrationShare() > 0) {
            int[][] split = heldOut == null ? stratifiedSplit(y, names.size(), settings.calibrationShare(), settings.seed()) : split(heldOut);
            if (split[1].length == 0 || split[0].length == 0) {
                throw new IllegalArgumentException("No rows to calibrate on: the encoder's fine-tuning saw " + (split[1].length == 0 ? "every row" : "no row")
                        + " of this dataset. Fine-tune with --hold-out above 0 on the same dataset, or train with --calibration-share 0");
            }
            List<HeadNetwork> networks = new ArrayList<>();
            float[][][] held = new float[parts.length][][];
            for (int p = 0; p < parts.length; p++) {
                for (int k = 0; k < settings.networks(); k++) {
                    networks.add(fit(select(parts[p], split[0]), select(y, split[0]), names.size(), encoders.get(p), k, "calibrate", listener));
                }
                held[p] = select(parts[p], split[1]);
            }
            TrainedHead partial = new TrainedHead(names, 1, networks, Map.of());
            float[][] heldX = JoinedEncoder.join(held);
            int[] heldY = select(y, split[1]);
            double[][] logits = new double[heldX.length][];
            for (int i = 0; i < heldX.length; i++) {
                logits[i] = partial.logits(heldX[i]);
            }
            temperature = HeldOutMetrics.fitTemperature(logits, heldY);
            calibration = new Calibration(HeldOutMetrics.accuracy(logits, heldY), temperature,
                    HeldOutMetrics.logLoss(logits, heldY, 1), HeldOutMetrics.logLoss(logits, heldY, temperature),
                    HeldOutMetrics.ece(logits, heldY, 1), HeldOutMetrics.ece(logits, heldY, temperature), heldX.length);
            head = settings.refit() ? null : partial;
        }
        if (head == null) {
            List<HeadNetwork> networks = new ArrayList<>();
            for (int p = 0; p < parts.length; p++) {
                for (int k = 0; k < settings.networks(); k++) {
                    networks.add(fit(parts[p], y, names.size(), encoders.get(p), k, "fit", listener));
                }
            }
            head = new TrainedHead(names, 1, networks, Map.of());
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        Map<String, Object> notes = new LinkedHashMap<>();
        notes.put("examples", labels.size());
        notes.put("settings", settings.describe());
        if (settings.calibrationShare() > 0) {
            notes.put("held_out_examples", calibration.examples());
            notes.put("held_out_accuracy", round(calibration.accuracy()));
            notes.put("held_out_log_loss", Map.of("before", round(calibration.logLossBefore()), "after", round(calibration.logLossAfter())));
            notes.put("held_out_ece", Map.of("before", round(calibration.eceBefore()), "after", round(calibration.eceAfter())));
        }
        notes.put("train_seconds", round(seconds));
        return new Result(head.withTemperature(temperature, notes), calibration, seconds);
    }

    private static double round(double value) {
        return Math.round(value * 10000) / 10000.0;
    }

    private static int[][] split(boolean[] heldOut) {
        return new int[][] {java.util.stream.IntStream.range(0, heldOut.length).filter(i -> !heldOut[i]).toArray(),
                java.util.stream.IntStream.range(0, heldOut.length).filter(i -> heldOut[i]).toArray()};
    }

    /** Indices of the kept part and of the held-out part; at least one example of a label stays in each part when it has two. */
    static int[][] stratifiedSplit(int[] y, int labels, double share, long seed) {
        List<List<Integer>> byLabel = new ArrayList<>();
        for (int c = 0; c < labels; c++) {
            byLabel.add(new ArrayList<>());
        }
        for (int i = 0; i < y.length; i++) {
            byLabel.get(y[i]).add(i);
        }
        Random random = new Random(seed);
        List<Integer> kept = new ArrayList<>();
        List<Integer> held = new ArrayList<>();
        for (List<Integer> members : byLabel) {
            java.util.Collections.shuffle(members, random);
            int count = members.size() < 2 ? 0 : Math.max(1, (int) Math.round(members.size() * share));
            held.addAll(members.subList(0, count));
            kept.addAll(members.subList(count, members.size()));
        }
        return new int[][] {kept.stream().mapToInt(Integer::intValue).sorted().toArray(),
                held.stream().mapToInt(Integer::intValue).sorted().toArray()};
    }

    private static float[][] select(float[][] x, int[] rows) {
        float[][] out = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            out[i] = x[rows[i]];
        }
        return out;
    }

    private static int[] select(int[] y, int[] rows) {
        int[] out = new int[rows.length];
        for (int i = 0; i < rows.length; i++) {
            out[i] = y[rows[i]];
        }
        return out;
    }

    /** One network; the {@code k}-th of an encoder starts from seed {@code seed + k}, so the first is the same with any count. */
    private HeadNetwork fit(float[][] x, int[] y, int labels, String encoder, int k, String phase, Listener listener) {
        int dimension = x[0].length;
        int hidden = settings.hidden();
        int width = hidden == 0 ? dimension : hidden;
        long seed = settings.seed() + k;
        Random random = new Random(seed);
        float[] w1 = new float[dimension * hidden];
        float[] b1 = new float[hidden];
        float[] w2 = new float[labels * width];
        float[] b2 = new float[labels];
        double scale1 = Math.sqrt(2.0 / dimension);
        for (int i = 0; i < w1.length; i++) {
            w1[i] = (float) (random.nextGaussian() * scale1);
        }
        double scale2 = hidden == 0 ? 0 : 0.1 / Math.sqrt(hidden);
        for (int i = 0; i < w2.length; i++) {
            w2[i] = (float) (random.nextGaussian() * scale2);
        }
        float[][] parameters = {w1, b1, w2, b2};
        boolean[] decayed = {true, false, true, false};
        AdamW adam = new AdamW(parameters);
        int slices = Math.min(settings.slices(), settings.batchSize());
        GradientSlice[] workers = new GradientSlice[slices];
        for (int t = 0; t < slices; t++) {
            workers[t] = new GradientSlice(dimension, hidden, labels, parameters, settings);
        }
        int[] order = IntStream.range(0, x.length).toArray();
        long step = 0;
        for (int epoch = 0; epoch < settings.epochs(); epoch++) {
            shuffle(order, random);
            double rate = settings.learningRate() * 0.5 * (1 + Math.cos(Math.PI * epoch / settings.epochs()));
            for (int start = 0; start < order.length; start += settings.batchSize()) {
                int count = Math.min(settings.batchSize(), order.length - start);
                int first = start;
                long current = step++;
                IntStream.range(0, slices).parallel().forEach(t -> {
                    int from = first + count * t / slices;
                    int to = first + count * (t + 1) / slices;
                    workers[t].gradients(x, y, order, from, to, count, w1, b1, w2, b2,
                            new Random(seed * 1_000_003L + current * 31 + t));
                });
                for (int t = 1; t < slices; t++) {
                    workers[0].add(workers[t]);
                }
                adam.step(parameters, workers[0].gradients, decayed, rate, settings.weightDecay());
            }
            listener.epoch(phase, epoch + 1, settings.epochs());
        }
        return new HeadNetwork(encoder, dimension, hidden, (float) settings.inputScale(), w1, b1, w2, b2);
    }

    private static void shuffle(int[] order, Random random) {
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
    }
}
