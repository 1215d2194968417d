package dev.switchboard.workflows.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.llm.sim.ModelSimulator;
import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.workflows.model.WorkflowLoader;
import dev.switchboard.workflows.runtime.Engine;
import dev.switchboard.workflows.runtime.ReviewRecords;
import dev.switchboard.workflows.testing.SharedKafka;
import dev.switchboard.workflows.testing.TaskReceiver;
import dev.switchboard.workflows.testing.TopicRecords;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code switchboard report} after a run: delivered tasks save their step's minutes less the review's, a dead letter counts
 * in the error rate, a corrected review is told from an unchanged one, and model calls are read from the audit topic; and
 * {@code switchboard review export} turns the corrected review into a row {@code switchboard eval} reads.
 */
@ExtendWith(SharedKafka.class)
class ReportIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void should_count_tasks_time_saved_errors_and_review_outcomes_when_the_engine_has_run(SharedKafka.Bootstrap kafka) throws Exception {
        // given a workflow whose task saves 5 minutes, and a model unsure of one ticket
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String workflowName = "report-" + suffix;
        try (ModelSimulator model = ModelSimulator.start()
                .answers(request -> ModelSimulator.answer("bug", request.user().contains("UNSURE") ? 0.3 : 0.9));
             TaskReceiver receiver = new TaskReceiver()) {
            Files.writeString(dir.resolve("wf.yaml"), """
                    name: %s
                    on:
                      topic: report.events.%s
                      types: [ticket.created]
                      start: earliest
                    steps:
                      - id: triage
                        classify:
                          input: "{{ event.data.body }}"
                          model: sim
                          min_confidence: 0.5
                          labels:
                            billing: Invoices and payments
                            bug: Something is broken
                      - id: create-task
                        task:
                          sink: receiver
                          title: "[{{ steps.triage.label }}] {{ event.data.subject }}"
                          minutes_saved: 5
                    """.formatted(workflowName, suffix));
            Files.writeString(dir.resolve("it.yaml"), """
                    kafka:
                      bootstrap_servers: %s
                    topics:
                      tasks: report.tasks.%s
                      dead_letter: report.dlq.%s
                      deliveries: report.deliveries.%s
                      review: report.review.%s
                      audit: report.audit.%s
                      decisions: report.decisions.%s
                      prompts: report.prompts.%s
                    models:
                      sim:
                        base_url: %s
                        model: qwen2.5-7b-instruct
                        retries: 0
                    sinks:
                      receiver:
                        webhook:
                          url: %s
                    outbound:
                      allowed_hosts: [%s]
                    http:
                      port: -1
                    """.formatted(kafka.servers(), suffix, suffix, suffix, suffix, suffix, suffix, suffix, model.baseUrl(), receiver.url(),
                    receiver.hostAndPort()));
            var config = EngineConfigLoader.standard().parse("it.yaml", Files.readString(dir.resolve("it.yaml")), dir);
            assertThat(config.problems()).isEmpty();
            try (Engine engine = Engine.builder(config.config()).secrets(name -> Optional.empty()).build()) {
                WorkflowLoader.Result workflow = engine.loader().load(dir.resolve("wf.yaml"));
                assertThat(workflow.problems()).isEmpty();
                engine.start(List.of(workflow.workflow()));

                // when three tickets are triaged, one is held for review, and one is not a valid ticket
                EventPublisher.publish(kafka.servers(), Map.of(), "report.events." + suffix, new StringReader(
                        ticket("r1", "crash") + ticket("r2", "error") + ticket("r3", "broken") + ticket("r4", "UNSURE what this is")
                                + "{\"specversion\":\"1.0\",\"id\":\"r5\",\"source\":\"/it\",\"type\":\"ticket.created\",\"data\":{\"body\":\"no subject\"}}\n"));
                await().atMost(Duration.ofSeconds(60)).until(() -> receiver.tasks().size() == 3
                        && !TopicRecords.all(kafka.servers(), "report.review." + suffix).isEmpty());
                // and the held one is approved with a corrected label
                Run approved = run("review", "approve", "-b", kafka.servers(), "--topic", "report.review." + suffix, "--decisions-topic",
                        "report.decisions." + suffix, ReviewRecords.reviewId(workflowName, "/it", "r4", "triage"), "--value",
                        "{\"label\":\"billing\"}", "--by", "ann");
                assertThat(approved.exit()).as(approved.err()).isZero();
                await().atMost(Duration.ofSeconds(60)).until(() -> receiver.tasks().size() == 4
                        && TopicRecords.all(kafka.servers(), "report.deliveries." + suffix).size() == 4
                        && TopicRecords.all(kafka.servers(), "report.review." + suffix).size() == 2);
            }

            // and review export turns the corrected review into a dataset row, on which eval tests the model again
            Path corrected = dir.resolve("corrected.jsonl");
            Run export = run("review", "export", "-b", kafka.servers(), "--topic", "report.review." + suffix, "--out", corrected.toString());
            assertThat(export.exit()).as(export.err()).isZero();
            assertThat(export.out()).contains("Wrote 1 corrected review(s)");
            JsonNode row = JSON.readTree(Files.readAllLines(corrected).get(0));
            assertThat(row.path("body").asText()).isEqualTo("UNSURE what this is");
            assertThat(row.path("label").asText()).isEqualTo("billing");
            assertThat(row.path("step").asText()).isEqualTo("triage");
            Run eval = run("eval", dir.resolve("wf.yaml").toString(), "-c", dir.resolve("it.yaml").toString(), "--dataset", corrected.toString(),
                    "--out", dir.resolve("eval").toString(), "--min-accuracy", "0.5");
            assertThat(eval.exit()).as(eval.err()).isEqualTo(SwitchboardCli.FAILED);
            assertThat(eval.err()).contains("FAIL: model 'sim' accuracy 0.00% is below --min-accuracy 50.00%");
        }

        // then the report counts 4 tasks at 5 minutes less 2 for the review, 1 dead letter of 5 events, a corrected review
        Path out = dir.resolve("report");
        Run report = run("report", "-c", dir.resolve("it.yaml").toString(), dir.resolve("wf.yaml").toString(), "--since", "1h",
                "--out", out.toString());
        assertThat(report.exit()).as(report.err()).isZero();
        JsonNode figures = JSON.readTree(out.resolve("report.json").toFile()).path("workflows").path(workflowName);
        assertThat(figures.path("tasks_delivered").asInt()).isEqualTo(4);
        assertThat(figures.path("minutes_saved").asDouble()).isEqualTo(18.0);
        assertThat(figures.path("dead_letters").asInt()).isEqualTo(1);
        assertThat(figures.path("error_rate").asDouble()).isEqualTo(0.2);
        assertThat(figures.path("reviews_held").asInt()).isEqualTo(1);
        assertThat(figures.path("corrected").asInt()).isEqualTo(1);
        assertThat(figures.path("approved_unchanged").asInt()).isZero();
        assertThat(figures.path("model_calls").asInt()).isEqualTo(4);
        assertThat(Files.readString(out.resolve("report.html"))).contains("<svg", "Tasks per day", workflowName);
        assertThat(Files.readString(out.resolve("report.md"))).contains("| " + workflowName + " | 4 | 0.3 |");
    }

    private record Run(int exit, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = SwitchboardCli.commandLine(name -> null).setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static String ticket(String id, String body) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/it\",\"type\":\"ticket.created\","
                + "\"data\":{\"ticket_id\":\"" + id + "\",\"subject\":\"S " + id + "\",\"body\":\"" + body + "\"}}\n";
    }
}
