package dev.switchboard.llm.embedded;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.langchain4j.model.output.Response;
import dev.switchboard.llm.spi.Classification;
import dev.switchboard.llm.spi.Classifier;
import dev.switchboard.llm.spi.LabelSet;
import dev.switchboard.schemas.ModelCall;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Zero-shot and few-shot classification with a sentence encoder running in-process (ONNX), no network.
 *
 * <p>Each label is represented by the embedding of its name and description and, when given, by
 * its few-shot examples. A text's score for a label is the cosine similarity to the description
 * blended with its best match among the examples; the confidence is a softmax over the label scores.
 * Label vectors are computed once per label set version and kept.
 */
public final class EmbeddedClassifier implements Classifier {

    public static final String MODEL_NAME = "all-MiniLM-L6-v2";

    /** Softmax temperature over cosine similarities; similarities differ by hundredths, so it is small. */
    private static final double TEMPERATURE = 0.04;
    /** Weight of the best few-shot example against the description, when examples exist. */
    private static final double EXAMPLE_WEIGHT = 0.5;

    private final String name;
    private final EmbeddingModel model;
    private final Map<String, LabelVectors> labelVectors = new ConcurrentHashMap<>();

    public EmbeddedClassifier(String name) {
        this(name, new AllMiniLmL6V2EmbeddingModel());
    }

    public EmbeddedClassifier(String name, EmbeddingModel model) {
        this.name = name;
        this.model = model;
    }

    @Override
    public String name() {
        return name;
    }

    /** The underlying model, shared with other in-process steps (retrieval, similarity screening). */
    public EmbeddingModel embeddingModel() {
        return model;
    }

    @Override
    public List<Classification> classify(LabelSet labels, List<String> texts) {
        if (texts.isEmpty()) {
            return List.of();
        }
        LabelVectors vectors = vectors(labels);
        long started = System.nanoTime();
        Response<List<Embedding>> response;
        try {
            response = model.embedAll(texts.stream().map(EmbeddedClassifier::segment).toList());
        } catch (RuntimeException e) {
            return FailedBatch.retryAlone(texts, e, batch -> classify(labels, batch));
        }
        double latencyEach = (System.nanoTime() - started) / 1e6 / texts.size();
        long totalChars = Math.max(1, texts.stream().mapToLong(String::length).sum());
        long totalTokens = response.tokenUsage() == null || response.tokenUsage().inputTokenCount() == null
                ? 0 : response.tokenUsage().inputTokenCount();
        String modelName = model instanceof SentenceEncoder encoder ? encoder.id() : MODEL_NAME;
        List<Classification> results = new ArrayList<>(texts.size());
        for (int i = 0; i < texts.size(); i++) {
            float[] vector = Vectors.unit(response.content().get(i).vector());
            long tokens = Math.round((double) totalTokens * texts.get(i).length() / totalChars);
            ModelCall call = new ModelCall(name, modelName, labels.version(), tokens, 0, latencyEach, 0, false, "ok");
            results.add(vectors.classify(vector, call));
        }
        return results;
    }

    @Override
    public void prepare(LabelSet labels) {
        vectors(labels);
    }

    private LabelVectors vectors(LabelSet labels) {
        return labelVectors.computeIfAbsent(labels.version(), version -> LabelVectors.of(labels, this::embed));
    }

    private List<float[]> embed(List<String> texts) {
        return model.embedAll(texts.stream().map(EmbeddedClassifier::segment).toList()).content().stream()
                .map(embedding -> Vectors.unit(embedding.vector()))
                .toList();
    }

    private static TextSegment segment(String text) {
        return TextSegment.from(text == null || text.isBlank() ? " " : text);
    }

    /** The vectors of one label set: a description vector per label and its examples' vectors. */
    private record LabelVectors(List<String> labels, List<float[]> descriptions, List<List<float[]>> examples) {

        static LabelVectors of(LabelSet set, java.util.function.Function<List<String>, List<float[]>> embed) {
            List<String> labels = set.labels();
            List<String> descriptionTexts = labels.stream()
                    .map(label -> humanize(label) + ": " + set.descriptions().get(label))
                    .toList();
            List<float[]> descriptions = embed.apply(descriptionTexts);
            List<List<float[]>> examples = new ArrayList<>();
            for (String label : labels) {
                List<String> texts = set.examples().getOrDefault(label, List.of());
                examples.add(texts.isEmpty() ? List.of() : embed.apply(texts));
            }
            return new LabelVectors(labels, descriptions, examples);
        }

        Classification classify(float[] text, ModelCall call) {
            double[] scores = new double[labels.size()];
            for (int i = 0; i < scores.length; i++) {
                double description = Vectors.dot(text, descriptions.get(i));
                double best = Double.NEGATIVE_INFINITY;
                for (float[] example : examples.get(i)) {
                    best = Math.max(best, Vectors.dot(text, example));
                }
                scores[i] = best == Double.NEGATIVE_INFINITY
                        ? description
                        : (1 - EXAMPLE_WEIGHT) * description + EXAMPLE_WEIGHT * best;
            }
            int top = 0;
            for (int i = 1; i < scores.length; i++) {
                if (scores[i] > scores[top]) {
                    top = i;
                }
            }
            double sum = 0;
            for (double score : scores) {
                sum += Math.exp((score - scores[top]) / TEMPERATURE);
            }
            return Classification.of(labels.get(top), 1 / sum, call);
        }

        private static String humanize(String label) {
            return label.replace('_', ' ').replace('-', ' ');
        }
    }
}
