package dev.switchboard.workflows.cli;

import dev.switchboard.llm.embedded.HeadTrainer;
import dev.switchboard.llm.embedded.MiniLmBatchEncoder;
import dev.switchboard.workflows.eval.Dataset;
import dev.switchboard.workflows.eval.HeadTraining;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code switchboard train}: a classifier head on all-MiniLM-L6-v2 embeddings, from a labelled dataset. */
@Command(name = "train", header = "Trains a classifier head for the embedded model on a labelled dataset.",
        description = {
            "Trains a classifier head on all-MiniLM-L6-v2 embeddings of a labelled dataset (CSV or JSON Lines) and writes it to the file --out names.",
            "Use it from the engine configuration: models: { intents: { provider: embedded, head: heads/intents.head } }.",
            "Embeddings are cached under --cache-dir, so retraining does not embed the texts again."})
final class TrainCommand extends CliCommand {

    @Mixin
    DatasetOptions dataset;

    @Option(names = "--text-column", defaultValue = "text", paramLabel = "FIELD", description = "Field with the text (default: ${DEFAULT-VALUE}).")
    String textColumn;

    @Option(names = "--out", required = true, paramLabel = "FILE", description = "The head file to write, e.g. heads/banking77.head.")
    Path headFile;

    @Mixin
    HeadSettingsOptions head;

    @Option(names = "--holdout-labels", description = "Leave this many labels, picked at random with --seed, out of training: they become out-of-scope for `switchboard eval`.")
    int holdoutLabels;

    @Option(names = "--exclude-labels", split = ",", description = "Labels to leave out of training (out of scope), comma-separated.")
    List<String> excludeLabels = new ArrayList<>();

    @Option(names = "--cache-dir", defaultValue = ".switchboard/cache/embeddings", description = "Embedding cache folder (default: ${DEFAULT-VALUE}).")
    Path cacheDir;

    @Option(names = "--no-cache", description = "Do not read or write the embedding cache.")
    boolean noCache;

    @Option(names = "--compare-encoders", description = "Also embed this many of the texts with the batched encoder and with LangChain4j's in-process model, uncached, and print both rates (a throughput benchmark).")
    int compareEncoders;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = out();
        PrintWriter err = err();
        dataset.requireFile();
        HeadTrainer.Settings settings = head.settings();
        LinkedHashSet<String> excluded = new LinkedHashSet<>(excludeLabels);
        if (holdoutLabels > 0) {
            excluded.addAll(Dataset.pickLabels(dataset.read().column(dataset.labelColumn), holdoutLabels, settings.seed()));
        }
        HeadTraining.Request request = new HeadTraining.Request(dataset.file, textColumn, dataset.labelColumn, headFile, settings,
                List.copyOf(excluded), noCache ? null : cacheDir);
        HeadTraining.Summary summary;
        try (MiniLmBatchEncoder encoder = new MiniLmBatchEncoder()) {
            ProgressBar embedding = new ProgressBar(err, "embedding");
            summary = HeadTraining.run(request, encoder, embedding::update, new EpochPrinter(err));
        } catch (IllegalArgumentException e) {
            throw CommandFailure.invalid(e.getMessage());
        }
        var calibration = summary.result().calibration();
        out.printf(Locale.ROOT, "Trained %s on %d rows, %d labels%s%n", summary.head().hidden() == 0 ? "a linear head"
                        : "a head with " + summary.head().hidden() + " hidden units", summary.rows(), summary.head().labels().size(),
                summary.excludedLabels().isEmpty() ? "" : " (held out as out-of-scope: " + String.join(", ", summary.excludedLabels()) + ")");
        out.printf(Locale.ROOT, "  embedding     %d texts embedded, %d from the cache, %.1f s%s%n", summary.embedded(), summary.cacheHits(),
                summary.embedSeconds(), summary.textsPerSecond() > 0 ? String.format(Locale.ROOT, " (%.0f texts/s)", summary.textsPerSecond()) : "");
        out.printf(Locale.ROOT, "  training      %.1f s%n", summary.result().seconds());
        if (!Double.isNaN(calibration.accuracy())) {
            out.printf(Locale.ROOT, "  held out      %d rows: accuracy %.2f%%, temperature %.3f (log-loss %.3f -> %.3f, ECE %.3f -> %.3f)%n",
                    calibration.examples(), calibration.accuracy() * 100, calibration.temperature(), calibration.logLossBefore(),
                    calibration.logLossAfter(), calibration.eceBefore(), calibration.eceAfter());
        }
        out.printf(Locale.ROOT, "  wrote         %s (%d KiB, version %s)%n", headFile, (summary.fileBytes() + 1023) / 1024, summary.head().version());
        if (compareEncoders > 0) {
            compare(out, dataset.read().column(textColumn));
        }
        return 0;
    }

    /**
     * Texts per second of both encoders on the same texts: three rounds, alternating, best of each kept,
     * after a warm-up, so that other load on the machine hits both alike.
     */
    private void compare(PrintWriter out, List<String> all) {
        List<String> texts = all.subList(0, Math.min(compareEncoders, all.size()));
        List<dev.langchain4j.data.segment.TextSegment> segments = texts.stream()
                .map(text -> dev.langchain4j.data.segment.TextSegment.from(text.isBlank() ? " " : text)).toList();
        try (MiniLmBatchEncoder encoder = new MiniLmBatchEncoder()) {
            var reference = new dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel();
            encoder.encode(texts.subList(0, Math.min(64, texts.size())));
            reference.embedAll(segments.subList(0, Math.min(64, segments.size())));
            double batched = 0;
            double baseline = 0;
            for (int round = 0; round < 3; round++) {
                long started = System.nanoTime();
                encoder.encode(texts);
                batched = Math.max(batched, texts.size() / ((System.nanoTime() - started) / 1e9));
                started = System.nanoTime();
                reference.embedAll(segments);
                baseline = Math.max(baseline, texts.size() / ((System.nanoTime() - started) / 1e9));
            }
            out.printf(Locale.ROOT, "  throughput    %d texts, best of 3: batched encoder %.0f texts/s, LangChain4j embedAll %.0f texts/s (%.2fx), %d cores%n",
                    texts.size(), batched, baseline, batched / baseline, Runtime.getRuntime().availableProcessors());
        }
    }

    /** Prints one line per epoch to standard error. */
    private record EpochPrinter(PrintWriter err) implements HeadTrainer.Listener {
        @Override
        public void epoch(String phase, int epoch, int epochs) {
            if (epoch == epochs || epoch % 5 == 0) {
                err.printf(Locale.ROOT, "training (%s) epoch %d/%d%n", phase.equals("calibrate") ? "held-out split" : "all rows", epoch, epochs);
                err.flush();
            }
        }
    }
}
