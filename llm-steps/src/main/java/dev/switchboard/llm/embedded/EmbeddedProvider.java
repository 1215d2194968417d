package dev.switchboard.llm.embedded;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.switchboard.llm.Lazy;
import dev.switchboard.llm.ModelDefinition;
import dev.switchboard.llm.spi.Classifier;
import dev.switchboard.llm.spi.EmbeddingProvider;
import java.util.Optional;

/**
 * {@code provider: embedded}: all-MiniLM-L6-v2 in-process (ONNX). Without a head, it classifies zero- and
 * few-shot from label descriptions and examples; with a head trained by {@code switchboard train}, the head
 * answers over embeddings computed on padded batches. Both models load when first needed.
 */
public final class EmbeddedProvider implements EmbeddingProvider {

    private final Lazy<EmbeddingModel> embeddingModel = new Lazy<>(AllMiniLmL6V2EmbeddingModel::new);
    private final Lazy<MiniLmBatchEncoder> batchEncoder = new Lazy<>(MiniLmBatchEncoder::new);

    @Override
    public String name() {
        return "embedded";
    }

    @Override
    public EmbeddingModel embeddingModel() {
        return embeddingModel.get();
    }

    @Override
    public Classifier classifier(String model, ModelDefinition definition, Optional<TrainedHead> head) {
        return head.<Classifier>map(trained -> new HeadClassifier(model, trained, batchEncoder.get()))
                .orElseGet(() -> new EmbeddedClassifier(model, embeddingModel()));
    }

    @Override
    public void close() {
        batchEncoder.ifMade().ifPresent(MiniLmBatchEncoder::close);
    }
}
