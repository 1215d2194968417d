package dev.switchboard.llm.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class HeadTrainerTest {

    private static final List<String> LABELS = List.of("alpha", "beta", "gamma", "delta");
    private static final int DIMENSION = 16;

    /** Unit vectors around one random centre per label, with noise. */
    record Data(float[][] vectors, List<String> labels) {
    }

    static Data clusters(int perLabel, double noise, long seed) {
        Random random = new Random(seed);
        float[][] centres = new float[LABELS.size()][DIMENSION];
        Random fixed = new Random(1);
        for (float[] centre : centres) {
            for (int d = 0; d < DIMENSION; d++) {
                centre[d] = (float) fixed.nextGaussian();
            }
        }
        List<float[]> vectors = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < perLabel; i++) {
            for (int l = 0; l < LABELS.size(); l++) {
                float[] v = new float[DIMENSION];
                for (int d = 0; d < DIMENSION; d++) {
                    v[d] = (float) (centres[l][d] + noise * random.nextGaussian());
                }
                vectors.add(Vectors.unit(v));
                labels.add(LABELS.get(l));
            }
        }
        return new Data(vectors.toArray(float[][]::new), labels);
    }

    private static HeadTrainer.Settings small(int hidden) {
        return small(hidden, t -> { });
    }

    private static HeadTrainer.Settings small(int hidden, Consumer<HeadTrainer.Tuning> more) {
        return HeadTrainer.Settings.tuned(t -> {
            t.hidden = hidden;
            t.epochs = 15;
            t.learningRate = hidden == 0 ? 0.01 : 0.003;
            t.dropout = hidden == 0 ? 0 : 0.1;
            t.slices = 2;
            more.accept(t);
        });
    }

    private static double accuracy(TrainedHead head, Data data) {
        int right = 0;
        for (int i = 0; i < data.vectors().length; i++) {
            double[] p = head.probabilities(data.vectors()[i]);
            if (head.labels().get(HeldOutMetrics.argmax(p)).equals(data.labels().get(i))) {
                right++;
            }
        }
        return (double) right / data.vectors().length;
    }

    @ParameterizedTest(name = "hidden {0}")
    @ValueSource(ints = {0, 32})
    void should_separate_clusters_when_trained_on_synthetic_data(int hidden) {
        // given four noisy clusters, and unseen points from the same clusters
        Data train = clusters(60, 0.6, 11);
        Data test = clusters(40, 0.6, 12);

        // when
        HeadTrainer.Result result = new HeadTrainer(small(hidden)).train(train.vectors(), train.labels(), "synthetic", HeadTrainer.Listener.NONE);

        // then it generalizes, knows its labels in sorted order, and calibrated a temperature on the held-out share
        assertThat(accuracy(result.head(), test)).isGreaterThan(0.95);
        assertThat(result.head().labels()).containsExactly("alpha", "beta", "delta", "gamma");
        assertThat(result.head().hidden()).isEqualTo(hidden);
        assertThat(result.calibration().examples()).isEqualTo(24);
        assertThat(result.calibration().temperature()).isPositive();
        assertThat(result.calibration().logLossAfter()).isLessThanOrEqualTo(result.calibration().logLossBefore() + 1e-9);
        assertThat(result.head().training()).containsKeys("examples", "settings", "held_out_accuracy", "train_seconds");
    }

    @Test
    void should_give_probabilities_that_sum_to_one_when_asked_about_any_vector() {
        // given
        Data train = clusters(30, 0.8, 3);
        TrainedHead head = new HeadTrainer(small(16)).train(train.vectors(), train.labels(), "synthetic", HeadTrainer.Listener.NONE).head();

        // when
        double[] p = head.probabilities(train.vectors()[0]);

        // then
        assertThat(p).hasSize(4);
        assertThat(java.util.Arrays.stream(p).boxed().toList()).allSatisfy(value -> assertThat(value).isBetween(0.0, 1.0));
        assertThat(java.util.Arrays.stream(p).sum()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
    }

    @Test
    void should_train_the_same_head_when_the_seed_is_the_same() {
        // given
        Data train = clusters(30, 0.8, 5);

        // when trained twice with the same seed, and once with another
        String first = new HeadTrainer(small(16)).train(train.vectors(), train.labels(), "m", HeadTrainer.Listener.NONE).head().version();
        String second = new HeadTrainer(small(16)).train(train.vectors(), train.labels(), "m", HeadTrainer.Listener.NONE).head().version();
        String other = new HeadTrainer(small(16, t -> t.seed = 7)).train(train.vectors(), train.labels(), "m", HeadTrainer.Listener.NONE).head().version();

        // then the version, a hash of the weights, is reproducible
        assertThat(first).startsWith("head-").isEqualTo(second).isNotEqualTo(other);
    }

    @Test
    void should_tell_each_epoch_when_training() {
        // given
        Data train = clusters(10, 0.5, 5);
        List<String> told = new ArrayList<>();

        // when
        new HeadTrainer(small(0, t -> t.epochs = 3)).train(train.vectors(), train.labels(), "m", (phase, epoch, epochs) -> told.add(phase + epoch + "/" + epochs));

        // then the calibration run comes first, then the refit on all rows
        assertThat(told).containsExactly("calibrate1/3", "calibrate2/3", "calibrate3/3", "fit1/3", "fit2/3", "fit3/3");
    }

    @Test
    void should_reject_training_when_there_is_one_label() {
        // given
        float[][] vectors = {{1, 0}, {0, 1}};

        // when / then
        assertThatThrownBy(() -> new HeadTrainer(small(0)).train(vectors, List.of("a", "a"), "m", HeadTrainer.Listener.NONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least two labels");
    }

    @Test
    void should_name_every_setting_in_snake_case_when_described() {
        assertThat(HeadTrainer.Settings.defaults().describe()).containsExactly(entry("hidden", 512), entry("epochs", 20),
                entry("batch_size", 64), entry("learning_rate", 1e-3), entry("weight_decay", 1e-4), entry("label_smoothing", 0.1),
                entry("dropout", 0.3), entry("input_scale", 10.0), entry("calibration_share", 0.1), entry("refit", true),
                entry("seed", 42L), entry("slices", 2), entry("networks", 1));
    }

    @Test
    void should_reject_settings_when_out_of_range() {
        assertThatThrownBy(() -> HeadTrainer.Settings.tuned(t -> t.dropout = 1.0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid dropout: got 1.0, expected in [0, 1)");
        assertThatThrownBy(() -> HeadTrainer.Settings.tuned(t -> t.epochs = 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HeadTrainer.Settings.tuned(t -> t.calibrationShare = 0.6)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HeadTrainer.Settings.tuned(t -> t.networks = 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Invalid networks per encoder: got 0, expected 1 to 16");
    }

    @Test
    void should_hold_out_a_share_of_each_label_when_splitting() {
        // given 10 rows of label 0 and 4 of label 1
        int[] y = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1};

        // when
        int[][] split = HeadTrainer.stratifiedSplit(y, 2, 0.2, 42);

        // then 2 of label 0 and 1 of label 1 are held out, nothing is lost or doubled
        assertThat(split[1]).hasSize(3);
        assertThat(java.util.Arrays.stream(split[1]).filter(i -> y[i] == 1).count()).isEqualTo(1);
        assertThat(java.util.stream.IntStream.concat(java.util.Arrays.stream(split[0]), java.util.Arrays.stream(split[1])).sorted().toArray())
                .containsExactly(java.util.stream.IntStream.range(0, 14).toArray());
    }

    @Test
    void should_find_a_temperature_that_lowers_log_loss_when_logits_are_overconfident() {
        // given logits twice too sharp: right 3 times of 4 with confidence near 1
        double[][] logits = {{10, 0}, {10, 0}, {10, 0}, {10, 0}};
        int[] y = {0, 0, 0, 1};

        // when
        double temperature = HeldOutMetrics.fitTemperature(logits, y);

        // then softening them makes the confidence match the 75% accuracy
        assertThat(TrainedHead.softmax(logits[0], temperature)[0]).isCloseTo(0.75, org.assertj.core.data.Offset.offset(0.01));
        assertThat(HeldOutMetrics.logLoss(logits, y, temperature)).isLessThan(HeldOutMetrics.logLoss(logits, y, 1));
    }

    @Test
    void should_answer_with_the_mean_of_its_networks_when_trained_on_two_encoders() {
        // given the same examples seen by two encoders: one informative, one that only sees noise
        Data informative = clusters(20, 0.5, 3);
        Data noise = clusters(20, 50, 4);
        float[][][] parts = {informative.vectors(), noise.vectors()};

        // when
        HeadTrainer.Result result = new HeadTrainer(small(8)).train(parts, informative.labels(), List.of("first", "second"),
                HeadTrainer.Listener.NONE);

        // then the head has a network per encoder and its raw scores are the log of their mean probability
        TrainedHead head = result.head();
        assertThat(head.networks()).extracting(HeadNetwork::encoder).containsExactly("first", "second");
        assertThat(head.embeddingModel()).isEqualTo("first+second");
        assertThat(head.dimension()).isEqualTo(2 * DIMENSION);
        float[][] joined = JoinedEncoder.join(new float[][][] {informative.vectors(), noise.vectors()});
        double[] first = TrainedHead.softmax(head.networks().get(0).logits(informative.vectors()[0], 0, 1), 1);
        double[] second = TrainedHead.softmax(head.networks().get(1).logits(noise.vectors()[0], 0, 1), 1);
        double[] logits = head.logits(joined[0]);
        for (int c = 0; c < logits.length; c++) {
            assertThat(logits[c]).isCloseTo(Math.log((first[c] + second[c]) / 2), org.assertj.core.data.Offset.offset(1e-5));
        }
        assertThat(result.calibration().examples()).isEqualTo(8);
    }

    @Test
    void should_answer_with_the_mean_of_every_network_when_trained_with_several_per_encoder() {
        // given the same examples seen by two encoders
        Data first = clusters(20, 0.5, 3);
        Data second = clusters(20, 0.7, 4);
        HeadTrainer.Settings settings = small(8, t -> t.networks = 2);

        // when two networks are trained per encoder
        TrainedHead head = new HeadTrainer(settings).train(new float[][][] {first.vectors(), second.vectors()}, first.labels(),
                List.of("first", "second"), HeadTrainer.Listener.NONE).head();

        // then each encoder has two networks from other seeds, the first the same as with one network per encoder
        assertThat(head.networks()).extracting(HeadNetwork::encoder).containsExactly("first", "first", "second", "second");
        assertThat(head.networks().get(0).w1()).isNotEqualTo(head.networks().get(1).w1());
        TrainedHead single = new HeadTrainer(small(8)).train(new float[][][] {first.vectors(), second.vectors()}, first.labels(),
                List.of("first", "second"), HeadTrainer.Listener.NONE).head();
        assertThat(head.networks().get(0).w1()).isEqualTo(single.networks().get(0).w1());
        assertThat(head.networks().get(2).w1()).isEqualTo(single.networks().get(1).w1());
        // and it reads one vector per encoder, answering with the mean of the four networks' probabilities
        assertThat(head.embeddingModel()).isEqualTo("first+second");
        assertThat(head.dimension()).isEqualTo(2 * DIMENSION);
        float[] joined = JoinedEncoder.join(new float[][][] {{first.vectors()[5]}, {second.vectors()[5]}})[0];
        double[] mean = new double[head.labels().size()];
        float[][] inputs = {first.vectors()[5], first.vectors()[5], second.vectors()[5], second.vectors()[5]};
        for (int n = 0; n < 4; n++) {
            double[] p = TrainedHead.softmax(head.networks().get(n).logits(inputs[n], 0, 1), 1);
            for (int c = 0; c < mean.length; c++) {
                mean[c] += p[c] / 4;
            }
        }
        double[] logits = head.logits(joined);
        for (int c = 0; c < logits.length; c++) {
            assertThat(logits[c]).isCloseTo(Math.log(mean[c]), org.assertj.core.data.Offset.offset(1e-5));
        }
    }

    @Test
    void should_calibrate_on_the_rows_given_when_rows_to_calibrate_on_are_named() {
        // given 40 rows per label, and every fifth row named for calibration (what an encoder's fine-tuning left out)
        Data data = clusters(40, 0.6, 3);
        boolean[] heldOut = new boolean[data.labels().size()];
        for (int i = 0; i < heldOut.length; i += 5) {
            heldOut[i] = true;
        }

        // when
        HeadTrainer.Result named = new HeadTrainer(small(8)).train(new float[][][] {data.vectors()}, data.labels(), List.of("e"), heldOut,
                HeadTrainer.Listener.NONE);
        HeadTrainer.Result drawn = new HeadTrainer(small(8)).train(new float[][][] {data.vectors()}, data.labels(), List.of("e"),
                HeadTrainer.Listener.NONE);

        // then the named rows are the held-out ones (32), not a drawn 10% of each label (16)
        assertThat(named.calibration().examples()).isEqualTo(32);
        assertThat(drawn.calibration().examples()).isEqualTo(16);
        assertThat(named.head().training()).containsEntry("held_out_examples", 32);
        assertThatThrownBy(() -> new HeadTrainer(small(8)).train(new float[][][] {data.vectors()}, data.labels(), List.of("e"),
                new boolean[heldOut.length], HeadTrainer.Listener.NONE)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("No rows to calibrate on: the encoder's fine-tuning saw every row of this dataset");
    }
}
