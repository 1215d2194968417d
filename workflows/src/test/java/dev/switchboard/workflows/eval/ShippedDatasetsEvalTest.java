package dev.switchboard.workflows.eval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.llm.sim.CannedAnswers;
import dev.switchboard.llm.sim.ModelSimulator;
import dev.switchboard.workflows.eval.EvalCommandTest.Run;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code switchboard eval} on the example workflows and the datasets shipped beside them, as docs/evaluation.md shows it:
 * the model is the simulator answering the shipped canned answers, as {@code switchboard simulate-model --answers} does.
 */
class ShippedDatasetsEvalTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void should_score_the_support_copilots_drafts_on_the_shipped_tickets_with_the_shipped_model_answers() throws Exception {
        // given the simulator answering the shipped model answers, keyed by ticket id as simulate-model does
        CannedAnswers canned;
        try (Reader fixture = Files.newBufferedReader(Path.of("examples/data/support-tickets.model-answers.jsonl"))) {
            canned = CannedAnswers.read(fixture, Pattern.compile("Ticket ([A-Za-z0-9-]+):"));
        }
        try (ModelSimulator model = ModelSimulator.start().answers(canned)) {
            Path config = dir.resolve("switchboard.yaml");
            Files.writeString(config, """
                    models:
                      fast:
                        base_url: %s
                        model: qwen2.5-7b-instruct
                        max_tokens: 1500
                        retries: 0
                    sinks:
                      zendesk-replies: {jsonl: {path: %s}}
                      freshdesk-replies: {jsonl: {path: %s}}
                      mail-replies: {jsonl: {path: %s}}
                      support-queue: {jsonl: {path: %s}}
                    files:
                      allowed_dirs: [%s]
                    """.formatted(model.baseUrl(), dir.resolve("z.jsonl"), dir.resolve("f.jsonl"), dir.resolve("m.jsonl"), dir.resolve("q.jsonl"),
                    Path.of("examples").toAbsolutePath()));

            // when
            Run run = EvalCommandTest.cli("eval", "examples/support-copilot.yaml", "-c", config.toString(), "--step", "reply",
                    "--dataset", "examples/data/support-tickets.jsonl", "--expected", "examples/data/support-tickets.expected.jsonl",
                    "--label-column", "expected", "--crm", "examples/data/support-crm.jsonl", "--out", dir.resolve("support").toString());

            // then
            assertThat(run.exit()).as(run.err()).isZero();
            JsonNode result = JSON.readTree(dir.resolve("support/report.json").toFile()).path("models").get(0);
            // then: the figures docs/evaluation.md gives for this command (max_tokens as the shipped configuration: at the default
            // of 256 one long canned draft is cut off and refused)
            assertThat(result.path("rows").asInt()).isEqualTo(70);
            JsonNode text = result.path("text");
            assertThat(text.path("answered").asInt()).isEqualTo(70);
            assertThat(text.path("citationValidity").asDouble()).isEqualTo(1.0);
            assertThat(text.path("citationPrecision").asDouble()).isEqualTo(1.0);
            assertThat(text.path("citationRecall").asDouble()).isCloseTo(77.0 / 90, within(1e-12));
            assertThat(run.out()).contains("fast     70        70      n/a          100.00%         100.00%       85.56%   0.00%");
        }
    }
}
