package dev.switchboard.llm.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.embedding.onnx.allminilml6v2q.AllMiniLmL6V2QuantizedEmbeddingModel;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Every encoder loads from its artifact and gives unit vectors that put a paraphrase nearer than an unrelated text. */
class BatchEncoderTest {

    @ParameterizedTest
    @MethodSource("dev.switchboard.llm.embedded.EncoderModel#values")
    void should_place_a_paraphrase_nearer_than_an_unrelated_text_when_encoding_with_any_encoder(EncoderModel model) {
        try (BatchEncoder encoder = new BatchEncoder(model, 4, 2)) {
            // when
            float[][] vectors = encoder.encode(List.of("I lost my card, please block it", "My card is gone, can you freeze it?",
                    "What is the exchange rate for dollars?")).vectors();

            // then
            for (float[] vector : vectors) {
                assertThat(vector).hasSize(model.dimension());
                assertThat(Vectors.dot(vector, vector)).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
            }
            assertThat(Vectors.dot(vectors[0], vectors[1])).as(model.id()).isGreaterThan(Vectors.dot(vectors[0], vectors[2]));
        }
    }

    @Test
    void should_match_langchain4j_vectors_when_encoding_with_the_quantized_model() {
        // given the quantized model's own LangChain4j wrapper, which runs one text per call
        List<String> texts = List.of("Hi", "Where is my card?", "I was charged twice for the same coffee this morning, please refund one");
        AllMiniLmL6V2QuantizedEmbeddingModel reference = new AllMiniLmL6V2QuantizedEmbeddingModel();

        try (BatchEncoder single = new BatchEncoder(EncoderModel.ALL_MINILM_L6_V2_Q, 1, 2);
             BatchEncoder batched = new BatchEncoder(EncoderModel.ALL_MINILM_L6_V2_Q, 8, 2)) {
            // when
            float[][] one = single.encode(texts).vectors();
            float[][] together = batched.encode(texts).vectors();

            // then one text per call gives LangChain4j's vectors, and a batch gives the very same ones: the quantized
            // model scales its activations over what it is given at once, so the encoder never mixes texts in a call
            // (batched, a short text padded beside long ones moved to a cosine of 0.97-0.99, enough to change a label)
            for (int i = 0; i < texts.size(); i++) {
                float[] expected = Vectors.unit(reference.embed(texts.get(i)).content().vector());
                assertThat(Vectors.dot(one[i], expected)).as(texts.get(i)).isGreaterThan(0.9999);
                assertThat(together[i]).as(texts.get(i)).containsExactly(one[i]);
            }
        }
    }

    @Test
    void should_answer_a_text_of_the_last_batch_without_another_call_when_it_is_asked_alone() {
        // given a quantized encoder that has just encoded a batch (a classify step's), side by side and one after the other
        for (int threads : new int[] {2, 1}) {
            try (BatchEncoder encoder = new BatchEncoder(EncoderModel.ALL_MINILM_L6_V2_Q, 8, threads)) {
                List<String> texts = List.of(new String("I lost my card"), new String("The export crashes when I open the report"),
                        new String("Please refund the second charge"));
                float[][] batch = encoder.encode(texts).vectors();
                long calls = encoder.calls();

                // when one of those very strings is asked alone (as the step's injection screen does), then an equal text
                float[] again = encoder.encode(List.of(texts.get(1))).vectors()[0];
                long callsAfterAgain = encoder.calls();
                float[] equal = encoder.encode(List.of(new String(texts.get(1)))).vectors()[0];

                // then the same string costs no call and answers the batch's vector, the one a new call gives too
                assertThat(callsAfterAgain).as("threads %d", threads).isEqualTo(calls);
                assertThat(again).containsExactly(batch[1]);
                assertThat(encoder.calls()).isEqualTo(calls + 1);
                assertThat(equal).containsExactly(batch[1]);
            }
        }
    }

    @Test
    void should_give_unit_vectors_whose_cosine_is_the_mean_of_the_parts_when_joined() {
        try (BatchEncoder minilm = new BatchEncoder(EncoderModel.ALL_MINILM_L6_V2_Q, 4, 2);
             BatchEncoder bge = new BatchEncoder(EncoderModel.BGE_SMALL_EN_V15_Q, 4, 2)) {
            JoinedEncoder joined = new JoinedEncoder(List.of(minilm, bge));
            List<String> texts = List.of("card not arrived", "where is my new card");

            // when
            float[][] vectors = joined.encode(texts).vectors();

            // then
            assertThat(joined.id()).isEqualTo("all-minilm-l6-v2-q+bge-small-en-v15-q");
            assertThat(vectors[0]).hasSize(768);
            assertThat(Vectors.dot(vectors[0], vectors[0])).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
            float[][] a = minilm.encode(texts).vectors();
            float[][] b = bge.encode(texts).vectors();
            double mean = (Vectors.dot(a[0], a[1]) + Vectors.dot(b[0], b[1])) / 2;
            assertThat(Vectors.dot(vectors[0], vectors[1])).isCloseTo(mean, org.assertj.core.data.Offset.offset(1e-4));
        }
    }

    @Test
    void should_read_names_joined_by_plus_and_the_old_title_when_parsing_encoder_values() {
        assertThat(EncoderModel.parse("all-minilm-l6-v2-q+e5-small-v2-q")).contains(List.of(EncoderModel.ALL_MINILM_L6_V2_Q,
                EncoderModel.E5_SMALL_V2_Q));
        assertThat(EncoderModel.canonical("all-MiniLM-L6-v2")).isEqualTo("all-minilm-l6-v2");
        assertThat(EncoderModel.parse("all-minilm-l6-v2-q+all-minilm-l6-v2-q")).isEmpty();
        assertThat(EncoderModel.parse("minilm")).isEmpty();
    }
}
