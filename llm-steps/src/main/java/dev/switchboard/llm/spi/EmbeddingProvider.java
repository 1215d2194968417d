package dev.switchboard.llm.spi;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.switchboard.llm.ModelDefinition;
import dev.switchboard.llm.embedded.TrainedHead;
import java.util.Optional;

/**
 * A kind of in-process embedding model, chosen by {@code provider:} in a model definition: it embeds and
 * classifies, with no network and no chat. Registered with {@link java.util.ServiceLoader} under
 * {@code META-INF/services/dev.switchboard.llm.spi.EmbeddingProvider}. Each registry gets its own instance,
 * which loads its model once, when first asked, and releases it on {@link #close()}.
 */
public interface EmbeddingProvider extends AutoCloseable {

    /** What {@code provider:} names, e.g. {@code embedded}. */
    String name();

    /** The embedding model of retrieval (knowledge bases) and of the evaluation's text metrics. */
    EmbeddingModel embeddingModel();

    /** The embedding model of prompt-injection screening: by default the same, a lighter one where the provider has it. */
    default EmbeddingModel screeningModel() {
        return embeddingModel();
    }

    /** The classifier of one model: zero- and few-shot over the embeddings, or the model's trained head. */
    Classifier classifier(String model, ModelDefinition definition, Optional<TrainedHead> head);

    @Override
    default void close() {
    }
}
