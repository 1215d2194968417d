package dev.switchboard.workflows.eval;

import dev.switchboard.llm.embedded.BatchEncoder;
import dev.switchboard.llm.embedded.EmbeddingCache;
import dev.switchboard.llm.embedded.HeadTrainer;
import dev.switchboard.llm.embedded.TrainedHead;
import dev.switchboard.llm.embedded.TunedWeights;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What {@code switchboard train} does: reads a labelled dataset, leaves out the labels held out as
 * out-of-scope, embeds the texts with the chosen encoder (through the on-disk cache), trains a head and writes it.
 */
public final class HeadTraining {

    /**
     * @param dataset        CSV or JSON Lines
     * @param textColumn     the field with the text
     * @param labelColumn    the field with the label
     * @param out            the head file to write
     * @param settings       how to train
     * @param excludedLabels labels left out of training (out of scope)
     * @param cacheDir       where embeddings are cached; null keeps them in memory only
     */
    public record Request(Path dataset, String textColumn, String labelColumn, Path out, HeadTrainer.Settings settings,
                         List<String> excludedLabels, Path cacheDir) {
    }

    /**
     * What training did.
     *
     * @param rows           rows trained on
     * @param embedded       texts the encoders embedded (the rest came from the cache), over all encoders
     * @param cacheHits      texts found in the caches
     * @param embedSeconds   wall time to get every vector
     * @param textsPerSecond the encoder's throughput on the texts it embedded; 0 when all were cached
     * @param fileBytes      the head file's size
     */
    public record Summary(int rows, TrainedHead head, HeadTrainer.Result result, List<String> excludedLabels, long embedded,
                          long cacheHits, double embedSeconds, double textsPerSecond, long fileBytes) {
    }

    private HeadTraining() {
    }

    /** @param encoders the encoder, or several: then the head has a network per encoder and averages their answers */
    public static Summary run(Request request, List<BatchEncoder> encoders, Evaluation.Progress embedProgress, HeadTrainer.Listener listener)
            throws IOException {
        Dataset dataset = Dataset.read(request.dataset());
        Dataset kept = dataset.without(request.labelColumn(), Set.copyOf(request.excludedLabels()));
        List<String> texts = kept.column(request.textColumn());
        List<String> labels = kept.column(request.labelColumn());
        long started = System.nanoTime();
        float[][][] parts = new float[encoders.size()][][];
        long misses = 0;
        long hits = 0;
        double encodeSeconds = 0;
        for (int p = 0; p < parts.length; p++) {
            BatchEncoder encoder = encoders.get(p);
            // one cache per encoder (and per tuning of it), so that a joined encoder reuses what its parts embedded alone
            EmbeddingCache cache = new EmbeddingCache(request.cacheDir(), encoder.vectorsName(), encoder.dimension());
            int before = p * texts.size();
            int total = parts.length * texts.size();
            parts[p] = cache.embed(list -> encoder.encode(list).vectors(), texts, done -> embedProgress.update(before + done, total));
            misses += cache.misses();
            hits += cache.hits();
            encodeSeconds += cache.textsPerSecond() == 0 ? 0 : cache.misses() / cache.textsPerSecond();
        }
        double embedSeconds = (System.nanoTime() - started) / 1e9;
        HeadTrainer.Result result = new HeadTrainer(request.settings()).train(parts, labels, encoders.stream().map(BatchEncoder::id).toList(),
                heldOut(encoders, texts, request.settings()), listener);
        Map<String, Object> notes = new LinkedHashMap<>();
        notes.put("dataset", request.dataset().getFileName().toString());
        notes.put("text_column", request.textColumn());
        notes.put("label_column", request.labelColumn());
        if (!request.excludedLabels().isEmpty()) {
            notes.put("out_of_scope_labels", request.excludedLabels());
        }
        if (encoders.stream().anyMatch(encoder -> encoder.tuned().isPresent()) && request.settings().calibrationShare() > 0) {
            notes.put("calibrated_on", "the rows the tuned encoders' fine-tuning held out");
        }
        notes.putAll(result.head().training());
        Map<String, TunedWeights> tuned = new LinkedHashMap<>();
        encoders.forEach(encoder -> encoder.tuned().ifPresent(weights -> tuned.put(encoder.id(), weights)));
        TrainedHead head = result.head().withTraining(notes).withTuned(tuned);
        head.write(request.out());
        return new Summary(kept.rows().size(), head, result, request.excludedLabels(), misses, hits, embedSeconds,
                encodeSeconds == 0 ? 0 : misses / encodeSeconds, Files.size(request.out()));
    }

    /**
     * The rows to calibrate on when an encoder runs fine-tuned weights: those its fine-tuning left out (every tuned
     * encoder's, when several are), since a head is surer than it should be on rows its encoder was tuned on. Null
     * (a stratified share of each label) when no encoder is tuned, or calibration is off.
     */
    private static boolean[] heldOut(List<BatchEncoder> encoders, List<String> texts, HeadTrainer.Settings settings) {
        List<TunedWeights> tuned = encoders.stream().flatMap(encoder -> encoder.tuned().stream()).toList();
        if (tuned.isEmpty() || settings.calibrationShare() <= 0) {
            return null;
        }
        boolean[] held = new boolean[texts.size()];
        for (int i = 0; i < held.length; i++) {
            String text = texts.get(i);
            held[i] = tuned.stream().allMatch(weights -> weights.heldOut(text));
        }
        return held;
    }
}
