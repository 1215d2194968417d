package dev.switchboard.llm.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fine-tuned weights replace the base model's initializers of the same names. The weights here are chosen so that the
 * answer is known without a trained model: the last layer's output LayerNorm with zero gains and a fixed bias makes
 * every token's vector that bias, so every text's vector is the bias, normalized.
 */
public class TunedWeightsTest {

    private static final String LAST_NORM = "encoder.layer.5.output.LayerNorm.";

    @TempDir
    Path dir;

    /** A tuned file as tools/finetune/finetune.py writes it: magic, format, JSON header, little-endian tensors. */
    public static byte[] tunedFile(String base, Map<String, float[]> tensors) throws IOException {
        return tunedFile(base, tensors, Map.of("note", "test"));
    }

    public static byte[] tunedFile(String base, Map<String, float[]> tensors, Map<String, Object> training) throws IOException {
        List<Map<String, Object>> entries = new ArrayList<>();
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        for (Map.Entry<String, float[]> tensor : tensors.entrySet()) {
            entries.add(Map.of("name", tensor.getKey(), "type", "float32", "shape", List.of(tensor.getValue().length)));
            ByteBuffer buffer = ByteBuffer.allocate(4 * tensor.getValue().length).order(ByteOrder.LITTLE_ENDIAN);
            buffer.asFloatBuffer().put(tensor.getValue());
            data.write(buffer.array());
        }
        byte[] header = new ObjectMapper().writeValueAsBytes(Map.of("base", base, "tensors", entries, "training", training));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write("SWITCHBOARD-TUNED\n".getBytes(StandardCharsets.US_ASCII));
        out.write(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putInt(1).putInt(header.length).array());
        out.write(header);
        out.write(data.toByteArray());
        return out.toByteArray();
    }

    static float[] bias() {
        float[] bias = new float[384];
        for (int d = 0; d < bias.length; d++) {
            bias[d] = (float) Math.sin(d + 1);
        }
        return bias;
    }

    public static Map<String, float[]> flattening() {
        Map<String, float[]> tensors = new LinkedHashMap<>();
        tensors.put(LAST_NORM + "weight", new float[384]);
        tensors.put(LAST_NORM + "bias", bias());
        return tensors;
    }

    @Test
    void should_run_the_base_model_with_the_tuned_weights_when_an_encoder_is_made_from_them() throws IOException {
        // given weights that flatten the last layer's output to a known vector
        TunedWeights tuned = TunedWeights.parse(tunedFile("all-minilm-l6-v2-q", flattening()), "flat.tuned");
        List<String> texts = List.of("I lost my card", "What is the exchange rate for dollars?");

        try (BatchEncoder base = new BatchEncoder(EncoderModel.ALL_MINILM_L6_V2_Q);
             BatchEncoder encoder = new BatchEncoder(tuned)) {
            // when
            float[][] vectors = encoder.encode(texts).vectors();
            float[][] original = base.encode(texts).vectors();

            // then every text's vector is the bias, normalized; the base model, loaded beside it, is untouched
            float[] expected = Vectors.unit(bias());
            for (int i = 0; i < texts.size(); i++) {
                assertThat(Vectors.dot(vectors[i], expected)).as(texts.get(i)).isGreaterThan(0.99999);
                assertThat(Vectors.dot(original[i], expected)).as(texts.get(i)).isLessThan(0.5);
            }
            assertThat(Vectors.dot(original[0], original[1])).isLessThan(0.9);
            assertThat(encoder.id()).isEqualTo("all-minilm-l6-v2-q");
            assertThat(encoder.vectorsName()).isEqualTo("all-minilm-l6-v2-q." + tuned.version() + ".one-per-call");
            assertThat(base.vectorsName()).isEqualTo("all-minilm-l6-v2-q.one-per-call");
        }
    }

    @Test
    void should_version_tuned_weights_by_their_content_when_read() throws IOException {
        // given two files that differ in one value
        Map<String, float[]> other = flattening();
        other.get(LAST_NORM + "bias")[7] += 0.5f;
        Path first = Files.write(dir.resolve("a.tuned"), tunedFile("all-minilm-l6-v2-q", flattening()));

        // when
        TunedWeights a = TunedWeights.read(first);
        TunedWeights again = TunedWeights.read(Files.write(dir.resolve("b.tuned"), Files.readAllBytes(first)));
        TunedWeights b = TunedWeights.parse(tunedFile("all-minilm-l6-v2-q", other), "other");

        // then
        assertThat(a.version()).matches("tuned-[0-9a-f]{12}").isEqualTo(again.version()).isNotEqualTo(b.version());
        assertThat(a.base()).isEqualTo(EncoderModel.ALL_MINILM_L6_V2_Q);
        assertThat(a.tensorCount()).isEqualTo(2);
        assertThat(a.training().path("note").asText()).isEqualTo("test");
    }

    @Test
    void should_refuse_a_file_when_it_is_not_tuned_weights_of_a_known_quantized_encoder() throws IOException {
        byte[] good = tunedFile("all-minilm-l6-v2-q", flattening());

        assertThatThrownBy(() -> TunedWeights.parse("SWITCHBOARD-HEAD\n....".getBytes(StandardCharsets.US_ASCII), "x.head"))
                .hasMessageContaining("x.head is not a tuned-encoder file");
        assertThatThrownBy(() -> TunedWeights.parse(Arrays.copyOf(good, good.length - 10), "cut.tuned"))
                .hasMessageContaining("cut.tuned is truncated: tensor " + LAST_NORM + "bias needs 1536 bytes, 1526 are left");
        assertThatThrownBy(() -> TunedWeights.parse(Arrays.copyOf(good, good.length + 3), "long.tuned"))
                .hasMessageContaining("long.tuned is corrupt: 3 bytes after its last tensor");
        assertThatThrownBy(() -> TunedWeights.parse(tunedFile("all-minilm-l6-v2", flattening()), "float.tuned"))
                .hasMessageContaining("float.tuned tunes encoder 'all-minilm-l6-v2', expected one of the quantized encoders");
        assertThatThrownBy(() -> TunedWeights.parse(tunedFile("all-minilm-l6-v2-q", Map.of()), "empty.tuned"))
                .hasMessageContaining("empty.tuned holds no tensors");
    }

    @Test
    void should_fail_to_load_when_a_tensor_names_no_initializer_of_the_base_model() throws IOException {
        // given weights for a layer the six-layer model does not have
        Map<String, float[]> tensors = new LinkedHashMap<>();
        tensors.put("encoder.layer.9.output.LayerNorm.bias", bias());
        TunedWeights tuned = TunedWeights.parse(tunedFile("all-minilm-l6-v2-q", tensors), "deep.tuned");

        Map<String, float[]> misshapen = new LinkedHashMap<>();
        misshapen.put(LAST_NORM + "bias", new float[12]);
        TunedWeights wrongShape = TunedWeights.parse(tunedFile("all-minilm-l6-v2-q", misshapen), "short.tuned");

        // when / then: a file for another model must not run as the base model unchanged (ONNX Runtime ignores the name)
        assertThatThrownBy(() -> new BatchEncoder(tuned).close()).hasMessageContaining("Tuned weights " + tuned.version()
                + " do not fit all-minilm-l6-v2-q: tensor encoder.layer.9.output.LayerNorm.bias (float32 [384]) is not one of its initializers");
        assertThatThrownBy(() -> new BatchEncoder(wrongShape).close()).hasMessageContaining("tensor " + LAST_NORM
                + "bias (float32 [12]) replaces one of type float32 [384]");
    }

    @Test
    void should_classify_through_the_tuned_encoder_when_a_model_uses_a_head_that_carries_its_weights() throws IOException {
        // given a head trained on the shipped quantized MiniLM, alone and carrying weights that flatten every vector
        List<String> texts = List.of("I lost my card", "My card was stolen yesterday", "What exchange rate do you use?",
                "How much is a euro in dollars today?");
        List<String> labels = List.of("lost_card", "lost_card", "exchange_rate", "exchange_rate");
        TrainedHead plain;
        try (BatchEncoder base = new BatchEncoder(EncoderModel.ALL_MINILM_L6_V2_Q)) {
            plain = new HeadTrainer(HeadTrainer.Settings.tuned(t -> {
                t.hidden = 0;
                t.epochs = 60;
                t.learningRate = 0.01;
                t.calibrationShare = 0;
            })).train(base.encode(texts).vectors(), labels, "all-minilm-l6-v2-q", HeadTrainer.Listener.NONE).head();
        }
        TrainedHead tuned = plain.withTuned(Map.of("all-minilm-l6-v2-q", TunedWeights.parse(tunedFile("all-minilm-l6-v2-q", flattening()), "flat.tuned")));
        dev.switchboard.llm.ModelDefinition definition = dev.switchboard.llm.ModelDefinition.builder().provider("embedded")
                .encoder("all-minilm-l6-v2-q").build();
        dev.switchboard.llm.spi.LabelSet set = new dev.switchboard.llm.spi.LabelSet(Map.of("lost_card", "lost card", "exchange_rate", "exchange rate"), Map.of());

        try (EmbeddedProvider provider = new EmbeddedProvider()) {
            // when both models run in one engine
            List<String> asShipped = provider.classifier("plain", definition, java.util.Optional.of(plain)).classify(set, texts).stream()
                    .map(dev.switchboard.llm.spi.Classification::label).toList();
            List<Double> throughTuned = provider.classifier("tuned", definition, java.util.Optional.of(tuned)).classify(set, texts).stream()
                    .map(dev.switchboard.llm.spi.Classification::confidence).toList();

            // then the plain head tells the texts apart on the shipped encoder, and the tuned head sees one vector for all
            assertThat(asShipped).isEqualTo(labels);
            assertThat(throughTuned).allSatisfy(confidence -> assertThat(confidence).isCloseTo(throughTuned.get(0), org.assertj.core.data.Offset.offset(1e-6)));
        }
    }

    @Test
    void should_hold_out_the_rows_the_finetuning_tool_held_out_when_its_header_says_a_share() throws IOException {
        // given weights whose fine-tuning left 15% of the rows out, and weights tuned on every row; the hash of each text
        // modulo 100, as tools/finetune/finetune.py computes it: 97, 61, 55, 0, 79, 86, 31, 14
        List<String> texts = List.of("I lost my card", "What exchange rate do you use?", "My card was stolen yesterday",
                "How much is a euro in dollars today?", "Où est ma carte ?", "card", "refund please", "hello");
        TunedWeights fifteen = TunedWeights.parse(tunedFile("all-minilm-l6-v2-q", flattening(), Map.of("held_out", Map.of("percent", 15))), "fifteen.tuned");
        TunedWeights every = TunedWeights.parse(tunedFile("all-minilm-l6-v2-q", flattening()), "every.tuned");

        // then
        assertThat(fifteen.heldOutPercent()).isEqualTo(15);
        assertThat(texts.stream().filter(fifteen::heldOut).toList()).containsExactly("How much is a euro in dollars today?", "hello");
        assertThat(every.heldOutPercent()).isZero();
        assertThat(texts.stream().filter(every::heldOut).toList()).isEmpty();
    }
}
