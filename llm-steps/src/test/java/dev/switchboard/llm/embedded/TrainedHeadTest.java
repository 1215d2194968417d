package dev.switchboard.llm.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainedHeadTest {

    private static final HeadTrainer.Settings SMALL = HeadTrainer.Settings.tuned(t -> {
        t.hidden = 8;
        t.epochs = 5;
        t.slices = 1;
    });

    @TempDir
    Path dir;

    private static TrainedHead head() {
        HeadTrainerTest.Data data = HeadTrainerTest.clusters(20, 0.5, 9);
        return new HeadTrainer(SMALL)
                .train(data.vectors(), data.labels(), "all-MiniLM-L6-v2", HeadTrainer.Listener.NONE).head();
    }

    @Test
    void should_read_back_the_same_head_when_written() throws IOException {
        // given
        TrainedHead head = head();
        Path file = dir.resolve("heads/intents.head");

        // when
        head.write(file);
        TrainedHead read = TrainedHead.read(file);

        // then the version, labels, temperature, notes and answers are the same
        assertThat(read.version()).isEqualTo(head.version());
        assertThat(read.labels()).isEqualTo(head.labels());
        assertThat(read.temperature()).isEqualTo(head.temperature());
        assertThat(read.training()).containsKey("settings");
        float[] probe = HeadTrainerTest.clusters(1, 0.5, 10).vectors()[2];
        assertThat(read.probabilities(probe)).containsExactly(head.probabilities(probe));
        assertThat(Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1))
                .startsWith("SWITCHBOARD-HEAD\n").contains("\"format_version\" : 1").contains("\"embedding_model\" : \"all-MiniLM-L6-v2\"");
    }

    @Test
    void should_keep_the_version_when_only_the_training_notes_change() {
        // given
        TrainedHead head = head();

        // when / then
        assertThat(head.withTraining(Map.of("dataset", "other.csv")).version()).isEqualTo(head.version());
        assertThat(head.withTemperature(head.temperature() * 2, head.training()).version()).isNotEqualTo(head.version());
    }

    @Test
    void should_refuse_a_file_when_it_is_not_a_head() throws IOException {
        // given
        Path file = dir.resolve("notes.head");
        Files.writeString(file, "hello");

        // when / then
        assertThatThrownBy(() -> TrainedHead.read(file)).isInstanceOf(IOException.class)
                .hasMessageContaining("not a Switchboard head file").hasMessageContaining("switchboard train");
    }

    @Test
    void should_refuse_a_file_when_it_is_truncated() throws IOException {
        // given a head file missing its last bytes
        Path file = dir.resolve("cut.head");
        head().write(file);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length - 4));

        // when / then
        assertThatThrownBy(() -> TrainedHead.read(file)).isInstanceOf(IOException.class).hasMessageContaining("truncated or corrupt");
    }

    @Test
    void should_refuse_a_file_when_its_weights_were_changed() throws IOException {
        // given a head file with one weight flipped
        Path file = dir.resolve("changed.head");
        head().write(file);
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 2] ^= 0x40;
        Files.write(file, bytes);

        // when / then the recorded version no longer matches the content
        assertThatThrownBy(() -> TrainedHead.read(file)).isInstanceOf(IOException.class).hasMessageContaining("is corrupt");
    }

    @Test
    void should_reject_weights_when_shapes_do_not_match() {
        assertThatThrownBy(() -> new TrainedHead("m", List.of("a", "b"), 4, 0, 1, 1, new float[0], new float[0], new float[7], new float[2], Map.of()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("shapes");
    }

    @Test
    void should_read_back_a_head_of_two_networks_when_written() throws IOException {
        // given a head with a network per encoder
        HeadTrainerTest.Data first = HeadTrainerTest.clusters(10, 0.5, 9);
        HeadTrainerTest.Data second = HeadTrainerTest.clusters(10, 0.7, 11);
        TrainedHead head = new HeadTrainer(SMALL)
                .train(new float[][][] {first.vectors(), second.vectors()}, first.labels(), List.of("all-minilm-l6-v2-q", "bge-small-en-v15-q"),
                        HeadTrainer.Listener.NONE).head();
        Path file = dir.resolve("two.head");

        // when
        head.write(file);
        TrainedHead read = TrainedHead.read(file);

        // then it is format 2, names both encoders, and answers the same
        assertThat(Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1)).contains("\"format_version\" : 2")
                .contains("\"embedding_model\" : \"all-minilm-l6-v2-q+bge-small-en-v15-q\"");
        assertThat(read.version()).isEqualTo(head.version());
        assertThat(read.embeddingModel()).isEqualTo("all-minilm-l6-v2-q+bge-small-en-v15-q");
        float[] probe = JoinedEncoder.join(new float[][][] {{first.vectors()[3]}, {second.vectors()[3]}})[0];
        assertThat(read.probabilities(probe)).containsExactly(head.probabilities(probe));
    }

    @Test
    void should_read_back_a_head_of_several_networks_per_encoder_when_written() throws IOException {
        // given a head with two networks on each of two encoders
        HeadTrainerTest.Data first = HeadTrainerTest.clusters(10, 0.5, 9);
        HeadTrainerTest.Data second = HeadTrainerTest.clusters(10, 0.7, 11);
        TrainedHead head = new HeadTrainer(HeadTrainer.Settings.tuned(t -> {
            t.hidden = 8;
            t.epochs = 5;
            t.slices = 1;
            t.networks = 2;
        })).train(new float[][][] {first.vectors(), second.vectors()}, first.labels(), List.of("all-minilm-l6-v2-q", "bge-small-en-v15-q"),
                HeadTrainer.Listener.NONE).head();
        Path file = dir.resolve("four.head");

        // when
        head.write(file);
        TrainedHead read = TrainedHead.read(file);

        // then it names each encoder once, keeps four networks and answers the same
        assertThat(read.embeddingModel()).isEqualTo("all-minilm-l6-v2-q+bge-small-en-v15-q");
        assertThat(read.networks()).hasSize(4);
        assertThat(read.version()).isEqualTo(head.version());
        float[] probe = JoinedEncoder.join(new float[][][] {{first.vectors()[3]}, {second.vectors()[3]}})[0];
        assertThat(read.probabilities(probe)).containsExactly(head.probabilities(probe));
    }

    @Test
    void should_carry_the_tuned_weights_of_its_encoder_when_written_and_read_back() throws IOException {
        // given a head on the quantized MiniLM, and fine-tuned weights of that encoder
        HeadTrainerTest.Data data = HeadTrainerTest.clusters(20, 0.5, 9);
        TrainedHead plain = new HeadTrainer(SMALL).train(data.vectors(), data.labels(), "all-minilm-l6-v2-q", HeadTrainer.Listener.NONE).head();
        TunedWeights weights = TunedWeights.parse(TunedWeightsTest.tunedFile("all-minilm-l6-v2-q", TunedWeightsTest.flattening()), "flat.tuned");
        TrainedHead head = plain.withTuned(Map.of("all-minilm-l6-v2-q", weights));
        Path file = dir.resolve("tuned.head");

        // when
        head.write(file);
        TrainedHead read = TrainedHead.read(file);

        // then the file holds the weights (format 3), and they are part of the version: the same network on the
        // shipped encoder is another head
        assertThat(read.version()).isEqualTo(head.version()).isNotEqualTo(plain.version());
        assertThat(read.tuned()).containsOnlyKeys("all-minilm-l6-v2-q");
        assertThat(read.tuned().get("all-minilm-l6-v2-q").version()).isEqualTo(weights.version());
        assertThat(read.tuned().get("all-minilm-l6-v2-q").bytes()).isEqualTo(weights.bytes());
        assertThat(read.withTuned(Map.of()).version()).isEqualTo(plain.version());
        float[] probe = HeadTrainerTest.clusters(1, 0.5, 10).vectors()[2];
        assertThat(read.probabilities(probe)).containsExactly(plain.probabilities(probe));
        assertThat(Files.readString(file, java.nio.charset.StandardCharsets.ISO_8859_1)).contains("\"format_version\" : 3")
                .contains("\"version\" : \"" + weights.version() + "\"");
        assertThatThrownBy(() -> plain.withTuned(Map.of("bge-small-en-v15-q", weights))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Tuned weights of all-minilm-l6-v2-q given for encoder bge-small-en-v15-q");
    }

    @Test
    void should_refuse_a_head_when_its_tuned_weights_were_changed_or_cut() throws IOException {
        // given a head file carrying tuned weights, with one of their bytes flipped, and one cut short
        HeadTrainerTest.Data data = HeadTrainerTest.clusters(20, 0.5, 9);
        TunedWeights weights = TunedWeights.parse(TunedWeightsTest.tunedFile("all-minilm-l6-v2-q", TunedWeightsTest.flattening()), "flat.tuned");
        Path file = dir.resolve("tuned.head");
        new HeadTrainer(SMALL).train(data.vectors(), data.labels(), "all-minilm-l6-v2-q", HeadTrainer.Listener.NONE).head()
                .withTuned(Map.of("all-minilm-l6-v2-q", weights)).write(file);
        byte[] bytes = Files.readAllBytes(file);
        byte[] changed = bytes.clone();
        changed[changed.length - 5] ^= 0x40;
        Path changedFile = Files.write(dir.resolve("changed.head"), changed);
        Path cutFile = Files.write(dir.resolve("cut.head"), Arrays.copyOf(bytes, bytes.length - 100 - weights.bytes().length));

        // when / then
        assertThatThrownBy(() -> TrainedHead.read(changedFile)).isInstanceOf(IOException.class)
                .hasMessageContaining("is corrupt: the tuned weights of all-minilm-l6-v2-q hash to");
        assertThatThrownBy(() -> TrainedHead.read(cutFile)).isInstanceOf(IOException.class)
                .hasMessageContaining("truncated or corrupt: its tuned encoders need " + weights.bytes().length + " bytes");
    }
}
