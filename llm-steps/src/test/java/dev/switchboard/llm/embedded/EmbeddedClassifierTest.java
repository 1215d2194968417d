package dev.switchboard.llm.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.switchboard.llm.spi.Classification;
import dev.switchboard.llm.spi.LabelSet;
import java.util.List;
import java.util.Map;
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
}
