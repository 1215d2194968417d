package dev.switchboard.llm.embedded;

import dev.switchboard.llm.spi.Classification;
import dev.switchboard.llm.spi.Classifier;
import dev.switchboard.llm.spi.LabelSet;
import dev.switchboard.schemas.ModelCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Classification with a {@link TrainedHead} over the embeddings of the encoder it was trained on, in-process.
 *
 * <p>The head knows its labels. A step may ask for all of them or for a subset: the probabilities
 * are then renormalized over the subset, so the answer is always one of the step's labels and the
 * confidence is the head's belief given that the text belongs to one of them. A label the head was
 * not trained on cannot be answered; the step's check rejects it when the workflow loads, and here
 * it fails the call.
 */
public record HeadClassifier(String name, TrainedHead head, SentenceEncoder encoder) implements Classifier {

    public HeadClassifier {
        String trainedOn = EncoderModel.canonical(head.embeddingModel());
        if (!trainedOn.equals(encoder.id()) || head.dimension() != encoder.dimension()) {
            throw new IllegalArgumentException("The head of model '" + name + "' was trained on " + trainedOn
                    + " embeddings of dimension " + head.dimension() + ", but the model's encoder is " + encoder.id()
                    + " (" + encoder.dimension() + "). Set `encoder: " + trainedOn + "` on the model, or retrain the head with"
                    + " `switchboard train --encoder " + encoder.id() + "`");
        }
    }

    @Override
    public List<Classification> classify(LabelSet labels, List<String> texts) {
        if (texts.isEmpty()) {
            return List.of();
        }
        List<String> wanted = labels.labels();
        int[] columns = new int[wanted.size()];
        for (int i = 0; i < columns.length; i++) {
            columns[i] = head.labels().indexOf(wanted.get(i));
            if (columns[i] < 0) {
                return FailedBatch.failedAll(texts, "Label '" + wanted.get(i) + "' is not one the head of model '" + name
                        + "' was trained on");
            }
        }
        long started = System.nanoTime();
        SentenceEncoder.Encoded encoded;
        try {
            encoded = encoder.encode(texts);
        } catch (RuntimeException e) {
            return FailedBatch.retryAlone(texts, e, batch -> classify(labels, batch));
        }
        double latencyEach = (System.nanoTime() - started) / 1e6 / texts.size();
        long tokensEach = encoded.tokens() / texts.size();
        String promptVersion = columns.length == head.labels().size() ? head.version() : head.version() + "/" + labels.version();
        List<Classification> results = new ArrayList<>(texts.size());
        for (float[] vector : encoded.vectors()) {
            double[] all = head.probabilities(vector);
            double total = 0;
            int best = 0;
            for (int i = 0; i < columns.length; i++) {
                total += all[columns[i]];
                if (all[columns[i]] > all[columns[best]]) {
                    best = i;
                }
            }
            ModelCall call = new ModelCall(name, encoder.id() + "+" + head.version(), promptVersion, tokensEach, 0,
                    latencyEach, 0, false, "ok", null, Map.of());
            results.add(Classification.of(wanted.get(best), total == 0 ? 0 : all[columns[best]] / total, call));
        }
        return results;
    }
}
