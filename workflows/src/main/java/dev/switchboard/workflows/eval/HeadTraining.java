package dev.switchboard.workflows.eval;

import dev.switchboard.llm.embedded.EmbeddingCache;
import dev.switchboard.llm.embedded.HeadTrainer;
import dev.switchboard.llm.embedded.BatchEncoder;
import dev.switchboard.llm.embedded.TrainedHead;
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
     * @param embedded       texts the encoder embedded (the rest came from the cache)
     * @param cacheHits      texts found in the cache
     * @param embedSeconds   wall time to get every vector
     * @param textsPerSecond the encoder's throughput on the texts it embedded; 0 when all were cached
     * @param fileBytes      the head file's size
     */
    public record Summary(int rows, TrainedHead head, HeadTrainer.Result result, List<String> excludedLabels, long embedded,
                          long cacheHits, double embedSeconds, double textsPerSecond, long fileBytes) {
    }

    private HeadTraining() {
    }

    public static Summary run(Request request, BatchEncoder encoder, Evaluation.Progress embedProgress, HeadTrainer.Listener listener)
            throws IOException {
        Dataset dataset = Dataset.read(request.dataset());
        Dataset kept = dataset.without(request.labelColumn(), Set.copyOf(request.excludedLabels()));
        List<String> texts = kept.column(request.textColumn());
        List<String> labels = kept.column(request.labelColumn());
        EmbeddingCache cache = new EmbeddingCache(request.cacheDir(), encoder.model().id(), encoder.dimension());
        long started = System.nanoTime();
        float[][] vectors = cache.embed(list -> encoder.encode(list).vectors(), texts, done -> embedProgress.update(done, texts.size()));
        double embedSeconds = (System.nanoTime() - started) / 1e9;
        HeadTrainer.Result result = new HeadTrainer(request.settings()).train(vectors, labels, encoder.model().id(), listener);
        Map<String, Object> notes = new LinkedHashMap<>();
        notes.put("dataset", request.dataset().getFileName().toString());
        notes.put("text_column", request.textColumn());
        notes.put("label_column", request.labelColumn());
        if (!request.excludedLabels().isEmpty()) {
            notes.put("out_of_scope_labels", request.excludedLabels());
        }
        notes.putAll(result.head().training());
        TrainedHead head = result.head().withTraining(notes);
        head.write(request.out());
        return new Summary(kept.rows().size(), head, result, request.excludedLabels(), cache.misses(), cache.hits(), embedSeconds,
                cache.textsPerSecond(), Files.size(request.out()));
    }
}
