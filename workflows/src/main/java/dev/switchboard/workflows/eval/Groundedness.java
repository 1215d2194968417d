package dev.switchboard.workflows.eval;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.switchboard.llm.steps.internal.KnowledgeBase;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * How much of a draft the retrieved articles support: each sentence of the draft is supported when its embedding (by the
 * embedded encoder) has a cosine similarity of at least {@value #THRESHOLD} with a sentence of one of the articles retrieved
 * for it. A draft's groundedness is its share of supported sentences; greetings, sign-offs and other lines under
 * {@value #MIN_WORDS} words are not claims and are not counted. The figure is the mean over all rows (a row without a
 * draft, or a draft without a claim, scores 0).
 */
final class Groundedness {

    /** Paraphrases of a passage score about 0.7 and above with all-MiniLM-L6-v2, unrelated sentences of the same domain below 0.5. */
    static final double THRESHOLD = 0.6;
    static final int MIN_WORDS = 4;

    private Groundedness() {
    }

    /** The result with {@link TextScores#groundedness()} set; unchanged unless it is a draft step's. */
    static OutputResult add(OutputResult result, Path knowledgeBase, EmbeddingModel encoder) throws IOException {
        if (result.text() == null || !result.stepType().equals("draft") || knowledgeBase == null) {
            return result;
        }
        Map<String, List<float[]>> passages = new HashMap<>();
        for (KnowledgeBase.Article article : KnowledgeBase.read(knowledgeBase)) {
            passages.put(article.id(), embed(encoder, sentences(article.text())));
        }
        double sum = 0;
        int rows = 0;
        for (int i = 0; i < result.predictions().size(); i++) {
            if (result.predictions().get(i).outcome() == Prediction.Outcome.SKIPPED) {
                continue;
            }
            rows++;
            Map<String, Object> output = result.answers().get(i);
            if (output == null || output.get("draft") == null) {
                continue;
            }
            List<float[]> evidence = new ArrayList<>();
            if (output.get("articles") instanceof Collection<?> articles) {
                articles.forEach(article -> evidence.addAll(passages.getOrDefault(
                        article instanceof Map<?, ?> map ? String.valueOf(map.get("id")) : String.valueOf(article), List.of())));
            }
            sum += share(embed(encoder, sentences(output.get("draft").toString())), evidence);
        }
        return rows == 0 ? result : result.withText(result.text().withGroundedness(sum / rows));
    }

    /** The share of claims with a passage at or above the threshold; 0 for a text without a claim. */
    static double share(List<float[]> claims, List<float[]> evidence) {
        if (claims.isEmpty()) {
            return 0;
        }
        int supported = 0;
        for (float[] claim : claims) {
            double best = 0;
            for (float[] passage : evidence) {
                best = Math.max(best, ReferenceSimilarity.cosine(claim, passage));
            }
            supported += best >= THRESHOLD ? 1 : 0;
        }
        return (double) supported / claims.size();
    }

    /** Sentences and list lines of at least {@value #MIN_WORDS} words, Markdown marks left out. */
    static List<String> sentences(String text) {
        List<String> sentences = new ArrayList<>();
        for (String line : text.split("\\R")) {
            String plain = line.replaceAll("^[\\s#>*|-]+|[*_`|]", " ").replaceAll("\\s+", " ").strip();
            for (String sentence : plain.split("(?<=[.!?])\\s+")) {
                if (sentence.strip().split("\\s+").length >= MIN_WORDS) {
                    sentences.add(sentence.strip());
                }
            }
        }
        return sentences;
    }

    private static List<float[]> embed(EmbeddingModel encoder, List<String> texts) {
        if (texts.isEmpty()) {
            return List.of();
        }
        List<float[]> vectors = new ArrayList<>();
        for (Embedding embedding : encoder.embedAll(texts.stream().map(TextSegment::from).toList()).content()) {
            vectors.add(embedding.vector());
        }
        return vectors;
    }
}
