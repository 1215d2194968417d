package dev.switchboard.llm.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import dev.switchboard.llm.spi.Classification;
import dev.switchboard.llm.spi.LabelSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The batched encoder against LangChain4j's, and a head trained on real embeddings answering through it. */
class HeadClassifierTest {

    private static final Map<String, List<String>> TRAINING = Map.of(
            "card_arrival", List.of("My new card has not arrived yet", "When will my card be delivered?",
                    "I ordered a card two weeks ago and it is still not here", "How long does card delivery take?"),
            "lost_card", List.of("I lost my card", "My card was stolen yesterday", "I can't find my card anywhere, block it",
                    "Someone took my wallet with the card"),
            "exchange_rate", List.of("What exchange rate do you use?", "How much is a euro in dollars today?",
                    "Is the currency conversion rate fair?", "Why was the exchange rate so bad on my payment?"));

    private static BatchEncoder encoder;
    private static HeadClassifier classifier;

    @BeforeAll
    static void train() {
        encoder = new BatchEncoder(EncoderModel.ALL_MINILM_L6_V2, 8, 2);
        List<String> texts = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        TRAINING.forEach((label, examples) -> examples.forEach(text -> {
            texts.add(text);
            labels.add(label);
        }));
        float[][] vectors = encoder.encode(texts).vectors();
        TrainedHead head = new HeadTrainer(HeadTrainer.Settings.tuned(t -> {
            t.hidden = 0;
            t.epochs = 60;
            t.learningRate = 0.01;
            t.calibrationShare = 0;
        })).train(vectors, labels, EncoderModel.ALL_MINILM_L6_V2.id(), HeadTrainer.Listener.NONE).head();
        classifier = new HeadClassifier("intents", head, encoder);
    }

    @AfterAll
    static void close() {
        encoder.close();
    }

    private static LabelSet labels(String... names) {
        Map<String, String> descriptions = new LinkedHashMap<>();
        for (String name : names) {
            descriptions.put(name, name);
        }
        return new LabelSet(descriptions, Map.of());
    }

    @Test
    void should_match_langchain4j_vectors_when_embedding_the_same_texts() {
        // given texts of different lengths, batched together
        List<String> texts = List.of("Hi", "Where is my card?", "I was charged twice for the same coffee this morning, please refund one",
                "ok", "Überweisung nicht angekommen — was nun?");
        AllMiniLmL6V2EmbeddingModel reference = new AllMiniLmL6V2EmbeddingModel();

        // when
        float[][] batched = encoder.encode(texts).vectors();

        // then every vector is the reference vector, up to float rounding
        for (int i = 0; i < texts.size(); i++) {
            float[] expected = Vectors.unit(reference.embed(texts.get(i)).content().vector());
            assertThat(Vectors.dot(batched[i], expected)).as(texts.get(i)).isGreaterThan(0.9999);
        }
    }

    @Test
    void should_embed_a_text_when_it_is_longer_than_the_model_reads() {
        // when
        BatchEncoder.Encoded encoded = encoder.encode(List.of("word ".repeat(2000)));

        // then it is cut to the 256 tokens sentence-transformers reads, not refused
        assertThat(encoded.vectors()[0]).hasSize(384);
        assertThat(encoded.tokens()).isEqualTo(256);
    }

    @Test
    void should_answer_one_of_the_head_labels_when_asked_with_all_of_them() {
        // when
        List<Classification> results = classifier.classify(labels("card_arrival", "lost_card", "exchange_rate"),
                List.of("my card still hasn't come in the post", "somebody stole my card", "what rate for pounds to euros"));

        // then
        assertThat(results).extracting(Classification::label).containsExactly("card_arrival", "lost_card", "exchange_rate");
        assertThat(results).allSatisfy(result -> {
            assertThat(result.confidence()).isBetween(0.0, 1.0);
            assertThat(result.call().promptVersion()).isEqualTo(classifier.head().version());
            assertThat(result.call().model()).startsWith("all-minilm-l6-v2+head-");
        });
    }

    @Test
    void should_answer_within_the_subset_when_the_step_asks_for_fewer_labels() {
        // when a text about a lost card is put to a step that only knows two other labels
        List<Classification> results = classifier.classify(labels("card_arrival", "exchange_rate"), List.of("somebody stole my card"));

        // then the answer is one of the two, with a confidence renormalized over them
        assertThat(results.get(0).label()).isIn("card_arrival", "exchange_rate");
        assertThat(results.get(0).confidence()).isBetween(0.5, 1.0);
        assertThat(results.get(0).call().promptVersion()).startsWith(classifier.head().version() + "/ls-");
    }

    @Test
    void should_fail_when_a_label_is_not_one_the_head_knows() {
        // when
        List<Classification> results = classifier.classify(labels("card_arrival", "mortgage"), List.of("my card"));

        // then
        assertThat(results.get(0).ok()).isFalse();
        assertThat(results.get(0).error()).contains("'mortgage'").contains("not one the head");
    }
}
