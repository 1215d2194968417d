package dev.switchboard.llm.embedded;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.model.output.TokenUsage;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns texts into unit vectors in-process: one {@link EncoderModel}, or several side by side ({@link JoinedEncoder});
 * a LangChain4j {@link EmbeddingModel} too, for the steps that take one.
 */
public interface SentenceEncoder extends EmbeddingModel, AutoCloseable {

    /** What {@code encoder:} calls it, e.g. {@code all-minilm-l6-v2-q}, or its parts joined by {@code +}. */
    String id();

    @Override
    int dimension();

    /** Unit vectors, one per text in order, and the number of tokens read. */
    Encoded encode(List<String> texts);

    @Override
    default Response<List<Embedding>> embedAll(List<TextSegment> segments) {
        return encode(segments.stream().map(TextSegment::text).toList()).asResponse();
    }

    /**
     * One text, handed to {@link #encode} as it is: LangChain4j's default wraps it in a request that copies it, and an
     * encoder that remembers its last batch by text identity ({@link BatchEncoder}) would not know it again.
     */
    @Override
    default Response<Embedding> embed(TextSegment segment) {
        Response<List<Embedding>> all = embedAll(List.of(segment));
        return Response.from(all.content().get(0), all.tokenUsage());
    }

    @Override
    default String modelName() {
        return id();
    }

    /** Unit vectors, one per text in order, and the number of tokens read. */
    record Encoded(float[][] vectors, long tokens) {

        /** As LangChain4j's {@code EmbeddingModel.embedAll} answers. */
        public Response<List<Embedding>> asResponse() {
            List<Embedding> embeddings = new ArrayList<>(vectors.length);
            for (float[] vector : vectors) {
                embeddings.add(Embedding.from(vector));
            }
            return Response.from(embeddings, new TokenUsage((int) Math.min(Integer.MAX_VALUE, tokens)));
        }
    }

    @Override
    void close();
}
