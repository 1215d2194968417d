package dev.switchboard.workflows.cli;

import dev.switchboard.llm.ModelDefinition;
import dev.switchboard.llm.embedded.BatchEncoder;
import dev.switchboard.llm.embedded.EncoderModel;
import dev.switchboard.llm.embedded.HeadTrainer;
import dev.switchboard.llm.embedded.TunedWeights;
import dev.switchboard.workflows.eval.Dataset;
import dev.switchboard.schemas.options.OptionField;
import dev.switchboard.workflows.eval.HeadTraining;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code switchboard train}: a classifier head on a sentence encoder's embeddings, from a labelled dataset. */
@Command(name = "train", header = "Trains a classifier head for the embedded model on a labelled dataset.",
        description = {
            "Trains a classifier head on the embeddings of a labelled dataset (CSV or JSON Lines) by one of the in-process encoders, and writes it to the file --out names.",
            "Use it from the engine configuration, with the same encoder: models: { intents: { provider: embedded, encoder: all-minilm-l6-v2-q, head: heads/intents.head } }.",
            "Embeddings are cached under --cache-dir, so retraining does not embed the texts again."})
final class TrainCommand extends CliCommand {

    @Mixin
    DatasetOptions dataset;

    @Option(names = "--text-column", defaultValue = "text", paramLabel = "FIELD", description = "Field with the text (default: ${DEFAULT-VALUE}).")
    String textColumn;

    @Option(names = "--out", paramLabel = "FILE", description = "The head file to write, e.g. heads/banking77.head. Required unless only --compare-encoders is asked for.")
    Path headFile;

    @Option(names = "--encoder", defaultValue = EncoderModel.DEFAULT_ID, paramLabel = "NAME",
            description = "The sentence encoder whose embeddings the head reads, as a model's `encoder:` names it: one, or several joined by + "
                    + "for a network per encoder whose answers are averaged (default: ${DEFAULT-VALUE}). The model that uses the head names the same `encoder:`.")
    String encoder;

    @Option(names = "--tuned", paramLabel = "FILE", description = "Fine-tuned weights of one of the --encoder's encoders, written by "
            + "tools/finetune/finetune.py (a .tuned file; repeat for several). That encoder then runs with them, and the head carries them: "
            + "the model that uses it names the same `encoder:` and needs no other file.")
    List<Path> tunedFiles = new ArrayList<>();

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

    @Option(names = "--compare-encoders", paramLabel = "COUNT", description = "Embed this many of the texts with every encoder and with LangChain4j's in-process all-MiniLM-L6-v2, uncached, in alternating rounds, and print every round's rate (a throughput benchmark).")
    int compareEncoders;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = out();
        PrintWriter err = err();
        dataset.requireFile();
        if (headFile == null) {
            if (compareEncoders > 0) {
                EncoderThroughput.compare(out, firstTexts());
                return 0;
            }
            throw CommandFailure.invalid("Missing --out: name the head file to write, e.g. --out heads/intents.head");
        }
        List<String> allowed = List.of(OptionField.of(ModelDefinition.class).stream().filter(field -> field.key().equals("encoder"))
                .findFirst().orElseThrow().option().allowed());
        List<EncoderModel> encoderModels = EncoderModel.parse(encoder).filter(models -> allowed.contains(encoder)).orElseThrow(() ->
                CommandFailure.invalid("Unknown encoder at --encoder: got '" + encoder + "', expected one of " + String.join(", ", allowed)
                        + ". Pick one of them: a model's `encoder:` takes the same values"));
        Map<EncoderModel, TunedWeights> tuned = new LinkedHashMap<>();
        for (Path file : tunedFiles) {
            TunedWeights weights;
            try {
                weights = TunedWeights.read(file);
            } catch (IOException e) {
                throw CommandFailure.invalid("Unreadable tuned weights at --tuned: " + e.getMessage());
            }
            if (!encoderModels.contains(weights.base()) || tuned.containsKey(weights.base())) {
                throw CommandFailure.invalid("Tuned weights at --tuned " + file + ": got weights of " + weights.base().id() + ", expected one each of "
                        + "the --encoder's " + encoder + ". Name that encoder in --encoder, or leave the file out");
            }
            tuned.put(weights.base(), weights);
        }
        HeadTrainer.Settings settings = head.settings();
        LinkedHashSet<String> excluded = new LinkedHashSet<>(excludeLabels);
        if (holdoutLabels > 0) {
            excluded.addAll(Dataset.pickLabels(dataset.read().column(dataset.labelColumn), holdoutLabels, settings.seed()));
        }
        HeadTraining.Request request = new HeadTraining.Request(dataset.file, textColumn, dataset.labelColumn, headFile, settings,
                List.copyOf(excluded), noCache ? null : cacheDir);
        HeadTraining.Summary summary;
        List<BatchEncoder> encoders = new ArrayList<>();
        try {
            encoderModels.forEach(model -> encoders.add(tuned.containsKey(model) ? new BatchEncoder(tuned.get(model)) : new BatchEncoder(model)));
            ProgressBar embedding = new ProgressBar(err, "embedding");
            summary = HeadTraining.run(request, encoders, embedding::update, new EpochPrinter(err));
        } catch (IllegalArgumentException e) {
            throw CommandFailure.invalid(e.getMessage());
        } finally {
            encoders.forEach(BatchEncoder::close);
        }
        var calibration = summary.result().calibration();
        out.printf(Locale.ROOT, "Trained %s on %d rows, %d labels%s%n", summary.head().hidden() == 0 ? "a linear head"
                        : "a head with " + summary.head().hidden() + " hidden units", summary.rows(), summary.head().labels().size(),
                summary.excludedLabels().isEmpty() ? "" : " (held out as out-of-scope: " + String.join(", ", summary.excludedLabels()) + ")");
        out.printf(Locale.ROOT, "  encoder       %s (%s)%n", summary.head().embeddingModel(),
                String.join(" + ", encoderModels.stream().map(model -> model.title() + (tuned.containsKey(model) ? ", fine-tuned "
                        + tuned.get(model).version() : "")).toList()));
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
            EncoderThroughput.compare(out, firstTexts());
        }
        return 0;
    }

    private List<String> firstTexts() throws IOException {
        List<String> all = dataset.read().column(textColumn);
        return all.subList(0, Math.min(compareEncoders, all.size()));
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
