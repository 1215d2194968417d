package dev.switchboard.workflows.cli;

import dev.switchboard.llm.embedded.HeadTrainer;
import picocli.CommandLine.Option;

/** How {@code switchboard train} fits a head: each option starts at the trainer's own default. */
final class HeadSettingsOptions {

    private static final HeadTrainer.Settings DEFAULTS = HeadTrainer.Settings.defaults();

    @Option(names = "--hidden", description = "Hidden units; 0 trains a linear softmax head (default: ${DEFAULT-VALUE}).")
    int hidden = DEFAULTS.hidden();

    @Option(names = "--epochs", description = "Passes over the data (default: ${DEFAULT-VALUE}).")
    int epochs = DEFAULTS.epochs();

    @Option(names = "--learning-rate", description = "Peak AdamW step size (default: ${DEFAULT-VALUE}).")
    double learningRate = DEFAULTS.learningRate();

    @Option(names = "--weight-decay", description = "Decoupled L2 on the weights (default: ${DEFAULT-VALUE}).")
    double weightDecay = DEFAULTS.weightDecay();

    @Option(names = "--label-smoothing", description = "Share of the target spread over all labels (default: ${DEFAULT-VALUE}).")
    double labelSmoothing = DEFAULTS.labelSmoothing();

    @Option(names = "--dropout", description = "Share of hidden units dropped while training (default: ${DEFAULT-VALUE}).")
    double dropout = DEFAULTS.dropout();

    @Option(names = "--calibration-share", description = "Share held out per label to fit the temperature and report held-out "
            + "accuracy; 0 skips it (default: ${DEFAULT-VALUE}).")
    double calibrationShare = DEFAULTS.calibrationShare();

    @Option(names = "--no-refit", description = "Keep the head trained without the calibration share instead of retraining on everything.")
    boolean noRefit;

    @Option(names = "--seed", description = "Seed for the split, initial weights, order, dropout and --holdout-labels (default: ${DEFAULT-VALUE}).")
    long seed = DEFAULTS.seed();

    @Option(names = "--networks", description = "Networks per encoder, each from the next seed; the head answers with the mean of "
            + "their probabilities (default: ${DEFAULT-VALUE}).")
    int networks = DEFAULTS.networks();

    /** The settings; a value the trainer refuses is a {@link CommandFailure} with its message. */
    HeadTrainer.Settings settings() {
        try {
            return new HeadTrainer.Settings(hidden, epochs, DEFAULTS.batchSize(), learningRate, weightDecay, labelSmoothing, dropout,
                    DEFAULTS.inputScale(), calibrationShare, !noRefit, seed, DEFAULTS.slices(), networks);
        } catch (IllegalArgumentException e) {
            throw CommandFailure.invalid(e.getMessage());
        }
    }
}
