package dev.switchboard.workflows.eval;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The quality gate of the project itself: the shipped Banking77 example (workflow, configuration and
 * the committed head) classifies a fixed stratified sample of Banking77's test set through
 * {@code switchboard eval}, and the build fails below the bar. A change that breaks classification
 * quality (the encoder, the head format, the classify step, the evaluation) fails here.
 *
 * <p>The dataset ships with the repository in {@code datasets/banking77} (CC BY 4.0, attributed
 * beside it), so the gate runs on a fresh clone; only the sample is embedded, so this takes seconds.
 * The full figures are in docs/evaluation.md.
 */
class Banking77QualityGateTest {

    /** Banking77's test split, at the repository root, as the commands in the docs name it. */
    private static final Path DATASET = repositoryRoot().resolve("datasets/banking77/test.csv");
    private static final String SAMPLE = "600";
    private static final String SEED = "42";
    /**
     * The full test set measures 94.4% (macro-F1 94.4%) and this fixed sample 94.3% (94.1%) with the shipped head, whose
     * all-MiniLM-L6-v2 runs fine-tuned weights; a head on one encoder scores about half a point lower, a broken
     * encoder, tuned weights or head format far lower.
     */
    private static final String MIN_ACCURACY = "0.92";
    private static final String MIN_MACRO_F1 = "0.91";

    @Test
    void should_meet_the_quality_bar_when_the_shipped_banking77_example_classifies_a_fixed_sample() throws IOException {
        // given the shipped example and the reference dataset
        assertThat(DATASET).as("Banking77's test split ships with the repository (datasets/banking77)").isRegularFile();
        Path out = Path.of("target/eval/banking77-gate");

        // when
        EvalCommandTest.Run run = EvalCommandTest.cli("eval", "examples/banking77-triage.yaml", "--dataset", DATASET.toString(),
                "--label-column", "category", "--sample", SAMPLE, "--seed", SEED, "--out", out.toString(),
                "--min-accuracy", MIN_ACCURACY, "--min-macro-f1", MIN_MACRO_F1);

        // then the gate passes, and the report says what was measured
        JsonNode report = new ObjectMapper().readTree(Files.readString(out.resolve("report.json")));
        JsonNode model = report.at("/models/0");
        assertThat(run.exit()).as("exit code; %s%s", run.out(), run.err()).isZero();
        assertThat(model.get("model").asText()).isEqualTo("banking77");
        assertThat(model.get("rows").asInt()).isEqualTo(600);
        assertThat(model.get("in_scope").asInt()).isEqualTo(600);
        assertThat(model.get("labels").size()).isEqualTo(77);
        assertThat(model.get("accuracy").asDouble()).isGreaterThanOrEqualTo(Double.parseDouble(MIN_ACCURACY));
        assertThat(model.get("macro_f1").asDouble()).isGreaterThanOrEqualTo(Double.parseDouble(MIN_MACRO_F1));
        assertThat(model.get("failed").asInt()).isZero();
    }

    /** Surefire runs in the module folder; the dataset lives at the repository root. */
    private static Path repositoryRoot() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.isRegularFile(dir.resolve("workflows/pom.xml")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("No repository root (a folder with workflows/pom.xml) above " + Path.of("").toAbsolutePath());
    }
}
