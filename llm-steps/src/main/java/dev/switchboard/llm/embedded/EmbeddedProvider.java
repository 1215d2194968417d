package dev.switchboard.llm.embedded;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.switchboard.llm.Lazy;
import dev.switchboard.llm.ModelDefinition;
import dev.switchboard.llm.spi.Classifier;
import dev.switchboard.llm.spi.EmbeddingProvider;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code provider: embedded}: a sentence encoder in-process (ONNX), the one the model's {@code encoder:} names.
 * Without a head, it classifies zero- and few-shot from label descriptions and examples; with a head trained by
 * {@code switchboard train} on the same encoder, the head answers. Each encoder loads once, when first needed,
 * and is shared by every model that names it. Prompt-injection screening uses the default encoder's session too, so a
 * workflow that classifies and screens loads one model, not two (the float all-MiniLM-L6-v2 beside it took the demo
 * from about 500 MB to 1 GB). Retrieval keeps LangChain4j's float all-MiniLM-L6-v2: on the quantized encoder the
 * shipped drafts' citation recall moved (docs/BENCHMARKS.md).
 */
public final class EmbeddedProvider implements EmbeddingProvider {

    private final Lazy<EmbeddingModel> embeddingModel = new Lazy<>(AllMiniLmL6V2EmbeddingModel::new);
    private final Map<EncoderModel, BatchEncoder> encoders = new ConcurrentHashMap<>();
    /** Encoders with fine-tuned weights, by the weights' version: a head that carries them runs its own session. */
    private final Map<String, BatchEncoder> tunedEncoders = new ConcurrentHashMap<>();
    private final Map<String, SentenceEncoder> joined = new ConcurrentHashMap<>();

    @Override
    public String name() {
        return "embedded";
    }

    @Override
    public EmbeddingModel embeddingModel() {
        return embeddingModel.get();
    }

    @Override
    public EmbeddingModel screeningModel() {
        return encoders.computeIfAbsent(EncoderModel.byId(EncoderModel.DEFAULT_ID).orElseThrow(), BatchEncoder::new);
    }

    @Override
    public Classifier classifier(String model, ModelDefinition definition, Optional<TrainedHead> head) {
        List<EncoderModel> parts = EncoderModel.parse(definition.encoder()).orElseThrow(() -> new IllegalArgumentException(
                "Unknown encoder '" + definition.encoder() + "' of model '" + model + "'; expected one of " + EncoderModel.ids()
                        + ", or several joined by " + EncoderModel.JOIN));
        Map<String, TunedWeights> tuned = head.map(TrainedHead::tuned).orElse(Map.of());
        SentenceEncoder encoder = encoder(parts, tuned);
        return head.<Classifier>map(trained -> new HeadClassifier(model, trained, encoder))
                .orElseGet(() -> new EmbeddedClassifier(model, (EmbeddingModel) encoder));
    }

    /**
     * One session per encoder model, shared by every model and joined encoder that uses it; one per version of
     * fine-tuned weights for an encoder a head carries them for.
     */
    private SentenceEncoder encoder(List<EncoderModel> parts, Map<String, TunedWeights> tuned) {
        List<BatchEncoder> sessions = parts.stream().map(part -> tuned.containsKey(part.id())
                ? tunedEncoders.computeIfAbsent(tuned.get(part.id()).version(), version -> new BatchEncoder(tuned.get(part.id())))
                : encoders.computeIfAbsent(part, BatchEncoder::new)).toList();
        if (sessions.size() == 1) {
            return sessions.get(0);
        }
        String id = String.join(EncoderModel.JOIN, sessions.stream().map(BatchEncoder::vectorsName).toList());
        return joined.computeIfAbsent(id, key -> new JoinedEncoder(sessions));
    }

    @Override
    public void close() {
        joined.clear();
        encoders.values().forEach(BatchEncoder::close);
        encoders.clear();
        tunedEncoders.values().forEach(BatchEncoder::close);
        tunedEncoders.clear();
    }
}
