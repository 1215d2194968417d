package dev.switchboard.workflows.eval;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * How close in meaning a summarize or draft step's texts are to the reference answers: the cosine similarity of their
 * embeddings by the embedded encoder, averaged over the rows. Unlike ROUGE-L it does not need the same words.
 */
final class ReferenceSimilarity {

    private ReferenceSimilarity() {
    }

    /** The result with {@link TextScores#similarity()} set; unchanged when it has no text figures or no reference. */
    static OutputResult add(OutputResult result, List<Object> wanted, EmbeddingModel encoder) {
        if (result.text() == null) {
            return result;
        }
        String field = result.stepType().equals("draft") ? "draft" : "summary";
        List<String> references = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < result.predictions().size(); i++) {
            if (result.predictions().get(i).outcome() != Prediction.Outcome.SKIPPED) {
                references.add(OutputResult.reference(wanted.get(i)).text());
                Map<String, Object> output = result.answers().get(i);
                texts.add(output == null || output.get(field) == null ? null : output.get(field).toString());
            }
        }
        return references.stream().allMatch(String::isBlank) ? result : result.withText(result.text().withSimilarity(mean(encoder, references, texts)));
    }

    /** Mean over all rows; a row without a text or a reference scores 0. */
    static double mean(EmbeddingModel encoder, List<String> references, List<String> texts) {
        List<TextSegment> segments = new ArrayList<>();
        List<Integer> pairs = new ArrayList<>();
        for (int i = 0; i < references.size(); i++) {
            if (texts.get(i) != null && !texts.get(i).isBlank() && !references.get(i).isBlank()) {
                pairs.add(i);
                segments.add(TextSegment.from(references.get(i)));
                segments.add(TextSegment.from(texts.get(i)));
            }
        }
        if (references.isEmpty()) {
            return Double.NaN;
        }
        List<Embedding> vectors = segments.isEmpty() ? List.of() : encoder.embedAll(segments).content();
        double sum = 0;
        for (int p = 0; p < pairs.size(); p++) {
            sum += cosine(vectors.get(2 * p).vector(), vectors.get(2 * p + 1).vector());
        }
        return sum / references.size();
    }

    static double cosine(float[] a, float[] b) {
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.length; i++) {
            dot += a[i] * (double) b[i];
            na += a[i] * (double) a[i];
            nb += b[i] * (double) b[i];
        }
        return na == 0 || nb == 0 ? 0 : dot / Math.sqrt(na * nb);
    }
}
