package dev.switchboard.workflows.explain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.llm.sim.ModelSimulator;
import dev.switchboard.workflows.cli.EventPublisher;
import dev.switchboard.workflows.cli.SwitchboardCli;
import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.workflows.model.WorkflowLoader;
import dev.switchboard.workflows.runtime.Engine;
import dev.switchboard.workflows.runtime.ReviewRecords;
import dev.switchboard.workflows.testing.SharedKafka;
import dev.switchboard.workflows.testing.TaskReceiver;
import java.io.PrintWriter;
import java.io.StringReader;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 * {@code switchboard explain} and {@code GET /admin/events} end to end on the embedded broker: five
 * events through one workflow, each ending another way (delivered as a task, skipped by the filter,
 * dead-lettered, held for review, classified as something that makes no task), and each one's path
 * read back from the topics. The model simulator answers by the ticket's words.
 */
@ExtendWith(SharedKafka.class)
class ExplainIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "explain-admin-token-5f2e";

    @TempDir
    Path dir;

    record Run(int exit, String out, String err) {
    }

    @Test
    void should_tell_each_events_path_when_it_was_delivered_filtered_dead_lettered_held_or_classified_otherwise(SharedKafka.Bootstrap kafka)
            throws Exception {
        // given a workflow that makes a task of billing tickets only, and a model sure of refunds and exports but not of the rest
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String workflowName = "explain-" + suffix;
        try (ModelSimulator model = ModelSimulator.start().answers(request -> request.user().contains("refund") ? ModelSimulator.answer("billing", 0.95)
                : request.user().contains("export") ? ModelSimulator.answer("question", 0.93) : ModelSimulator.answer("bug", 0.3));
             TaskReceiver receiver = new TaskReceiver()) {
            Path workflowFile = dir.resolve("wf.yaml");
            Files.writeString(workflowFile, """
                    name: %s
                    on:
                      topic: explain.events.%s
                      types: [ticket.created]
                      start: earliest
                      filter: event.source != '/spam'
                    steps:
                      - id: triage
                        classify:
                          input: "{{ event.data.subject }}: {{ event.data.body }}"
                          model: sim
                          min_confidence: 0.7
                          labels:
                            billing: Invoices, refunds and payments
                            question: How to use the product
                            bug: Something is broken
                      - id: create
                        when: steps.triage.label == 'billing'
                        task:
                          sink: receiver
                          title: "[{{ steps.triage.label }}] {{ event.data.subject }}"
                    """.formatted(workflowName, suffix));
            Path configFile = dir.resolve("switchboard.yaml");
            Files.writeString(configFile, """
                    kafka:
                      bootstrap_servers: %s
                    topics:
                      tasks: explain.tasks.%s
                      dead_letter: explain.dlq.%s
                      deliveries: explain.deliveries.%s
                      review: explain.review.%s
                      audit: explain.audit.%s
                      trace: explain.trace.%s
                    models:
                      sim:
                        base_url: %s
                        model: qwen-sim
                        retries: 0
                    sinks:
                      receiver:
                        webhook:
                          url: %s
                    outbound:
                      allowed_hosts: [%s]
                    http:
                      port: 0
                      admin_token_env: EXPLAIN_ADMIN_TOKEN
                    """.formatted(kafka.servers(), suffix, suffix, suffix, suffix, suffix, suffix, model.baseUrl(), receiver.url(),
                    receiver.hostAndPort()));
            var config = EngineConfigLoader.standard().load(configFile);
            assertThat(config.problems()).isEmpty();
            try (Engine engine = Engine.builder(config.config()).secrets(name -> Optional.ofNullable(Map.of("EXPLAIN_ADMIN_TOKEN", TOKEN).get(name)))
                    .build()) {
                WorkflowLoader.Result workflow = engine.loader().load(workflowFile);
                assertThat(workflow.problems()).isEmpty();
                engine.start(List.of(workflow.workflow()));

                // when five tickets arrive
                EventPublisher.publish(kafka.servers(), Map.of(), "explain.events." + suffix, new StringReader(
                        ticket("ev-delivered", "/portal", "Refund please", "I want a refund for order 1234")
                                + ticket("ev-filtered", "/spam", "Refund now", "Cheap refund offers")
                                + "{\"specversion\":\"1.0\",\"id\":\"ev-dead\",\"source\":\"/portal\",\"type\":\"ticket.created\","
                                + "\"data\":{\"ticket_id\":\"T-3\",\"subject\":\"No body\"}}\n"
                                + ticket("ev-review", "/portal", "Mystery", "Something odd happened")
                                + ticket("ev-question", "/portal", "Export", "How do I export my data to CSV?")));
                String[] connection = {"--config", configFile.toString(), workflowFile.toString()};

                // then each event's path says how it ended, and why
                await().atMost(Duration.ofSeconds(90)).untilAsserted(() -> assertThat(explain("ev-delivered", connection).out())
                        .contains("Workflow " + workflowName + ": 1 task: 1 delivered")
                        .contains("event    ticket.created from /portal, subject ev-delivered")
                        .contains("filter   event.source != '/spam' is true")
                        .contains("triage (classify): completed {").contains("\"label\":\"billing\"")
                        .contains("model call sim/").containsPattern("model call sim/.*, prompt classify/triage \\S+")
                        .contains("create (task): completed")
                        .contains("receipt: delivered after 1 attempt(s)"));
                assertThat(explain("ev-filtered", connection).out()).contains("Workflow " + workflowName + ": skipped: on.filter is false")
                        .doesNotContain("step ");
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(explain("ev-dead", connection).out())
                        .contains("Workflow " + workflowName + ": dead-lettered: Event data does not match ticket.created.schema.json")
                        .contains("explain.dlq." + suffix));
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(explain("ev-review", connection).out())
                        .contains("Workflow " + workflowName + ": held for review (" + ReviewRecords.reviewId(workflowName, "/portal", "ev-review", "triage")
                                + ") at step triage")
                        .contains("triage (classify): review")
                        .contains("create (task): not reached"));
                await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(explain("ev-question", connection).out())
                        .contains("Workflow " + workflowName + ": done, no task: not run: create (when: steps.triage.label == 'billing' is false)")
                        .contains("triage (classify): completed {").contains("\"label\":\"question\""));
                assertThat(receiver.tasks()).hasSize(1);

                // and the admin API answers the same as JSON
                HttpResponse<String> answer = admin(engine, "/admin/events?id=ev-delivered");
                assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
                JsonNode explained = JSON.readTree(answer.body());
                assertThat(explained.at("/workflows/0/workflow").asText()).isEqualTo(workflowName);
                assertThat(explained.at("/workflows/0/tasks/0/receipts/0/outcome").asText()).isEqualTo("delivered");
                assertThat(explained.at("/workflows/0/steps/0/output/label").asText()).isEqualTo("billing");
                assertThat(explained.at("/workflows/0/steps/0/calls/0/provider").asText()).isEqualTo("sim");
                assertThat(admin(engine, "/admin/events?id=ev-unknown&since=1h").statusCode()).isEqualTo(404);
                assertThat(admin(engine, "/admin/events?id=ev-delivered&since=yesterday").statusCode()).isEqualTo(400);

                // and an event nobody saw is said to be unknown, with exit 1
                Run unknown = explain("ev-unknown", connection);
                assertThat(unknown.exit()).isEqualTo(1);
                assertThat(unknown.err()).contains("No record of event 'ev-unknown'").contains("--since");
            }
        }
    }

    private static Run explain(String eventId, String... connection) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        String[] args = new String[connection.length + 2];
        args[0] = "explain";
        args[1] = eventId;
        System.arraycopy(connection, 0, args, 2, connection.length);
        int exit = SwitchboardCli.commandLine().setOut(new PrintWriter(out, true)).setErr(new PrintWriter(err, true)).execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private static HttpResponse<String> admin(Engine engine, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.adminPort() + path))
                .header("Authorization", "Bearer " + TOKEN).timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String ticket(String id, String source, String subject, String body) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"" + source + "\",\"type\":\"ticket.created\",\"subject\":\"" + id
                + "\",\"time\":\"2026-11-02T09:00:00Z\",\"data\":{\"ticket_id\":\"" + id + "\",\"subject\":\"" + subject + "\",\"body\":\""
                + body + "\"}}\n";
    }
}
