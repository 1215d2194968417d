package dev.switchboard.llm.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.switchboard.llm.spi.Classification;
import dev.switchboard.llm.spi.LabelSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class EmbeddedClassifierTest {

    @Test
    void should_fail_only_the_text_the_model_cannot_take_when_it_shares_a_batch() {
        // given a batch whose middle text the embedding model refuses (blank)
        EmbeddedClassifier classifier = new EmbeddedClassifier("embedded", new AllMiniLmL6V2EmbeddingModel());
        LabelSet labels = new LabelSet(Map.of("lost_card", "A card was lost or stolen", "exchange_rate", "Currency conversion rates"), Map.of());

        // when
        List<Classification> results = classifier.classify(labels, List.of("Someone stole my card", " ", "What rate do you use for euros?"));

        // then
        assertThat(results).extracting(Classification::ok).containsExactly(true, false, true);
        assertThat(results.get(0).label()).isEqualTo("lost_card");
        assertThat(results.get(2).label()).isEqualTo("exchange_rate");
    }

    @Test
    void should_embed_the_labels_when_prepared_and_not_again_in_the_first_batch() {
        // given a model that counts the texts it embeds
        AtomicInteger embedded = new AtomicInteger();
        EmbeddingModel model = new AllMiniLmL6V2EmbeddingModel();
        EmbeddingModel counting = new EmbeddingModel() {
            @Override
            public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
                embedded.addAndGet(segments.size());
                return model.embedAll(segments);
            }
        };
        EmbeddedClassifier classifier = new EmbeddedClassifier("embedded", counting);
        LabelSet labels = new LabelSet(Map.of("lost_card", "A card was lost or stolen", "exchange_rate", "Currency conversion rates"), Map.of());

        // when
        classifier.prepare(labels);
        int byPrepare = embedded.get();
        classifier.classify(labels, List.of("Someone stole my card"));

        // then
        assertThat(byPrepare).isEqualTo(2);
        assertThat(embedded.get() - byPrepare).isEqualTo(1);
    }
}
