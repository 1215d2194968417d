package dev.switchboard.workflows.review;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.llm.sim.ModelSimulator;
import dev.switchboard.workflows.cli.EventPublisher;
import dev.switchboard.workflows.cli.ReviewCommandRunner;
import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.workflows.model.WorkflowLoader;
import dev.switchboard.workflows.runtime.Engine;
import dev.switchboard.workflows.runtime.ReviewRecords;
import dev.switchboard.workflows.testing.CapturedLogs;
import dev.switchboard.workflows.testing.SharedKafka;
import dev.switchboard.workflows.testing.TaskReceiver;
import dev.switchboard.workflows.testing.TopicRecords;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Human review end to end: a chain whose models all answer below min_confidence holds two events;
 * {@code switchboard review list} shows them; {@code approve --value} (on Kafka) resumes one after the
 * reviewed step and its task is delivered with the approved label; {@code reject} (through the admin
 * API) ends the other. Forged decisions (a decided event on the events topic, a decision for a review
 * nobody held, a second decision) make no task. The model simulator stands in for the endpoints.
 */
@ExtendWith(SharedKafka.class)
class ReviewIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "review-admin-token-81c3";

    @TempDir
    Path dir;

    @Test
    void should_resume_with_the_approved_value_and_end_the_rejected_event_when_reviews_are_decided(SharedKafka.Bootstrap kafka)
            throws Exception {
        // given two models of a chain that both answer 'bug' below min_confidence, and an engine with the admin API on
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String workflowName = "review-" + suffix;
        String reviewTopic = "review.reviews." + suffix;
        try (ModelSimulator model = ModelSimulator.start().answers(request -> ModelSimulator.answer("bug", 0.4));
             TaskReceiver receiver = new TaskReceiver()) {
            Files.writeString(dir.resolve("wf.yaml"), """
                    name: %s
                    on:
                      topic: review.events.%s
                      types: [ticket.created]
                      start: earliest
                    steps:
                      - id: triage
                        classify:
                          input: "{{ event.data.subject }}: {{ event.data.body }}"
                          model: careful
                          min_confidence: 0.7
                          labels:
                            billing: Invoices and payments
                            bug: Something is broken
                      - id: create-task
                        task:
                          sink: receiver
                          title: "[{{ steps.triage.label }}] {{ event.data.subject }}"
                          fields:
                            label: "{{ steps.triage.label }}"
                    """.formatted(workflowName, suffix));
            var config = EngineConfigLoader.standard().parse("it.yaml", """
                    kafka:
                      bootstrap_servers: %s
                    topics:
                      tasks: review.tasks.%s
                      dead_letter: review.dlq.%s
                      deliveries: review.deliveries.%s
                      review: %s
                      audit: review.audit.%s
                      decisions: review.decisions.%s
                    models:
                      sim-a:
                        base_url: %s
                        model: qwen-a
                        retries: 0
                      sim-b:
                        base_url: %s
                        model: qwen-b
                        retries: 0
                    aliases:
                      careful: [sim-a, sim-b]
                    sinks:
                      receiver:
                        webhook:
                          url: %s
                    outbound:
                      allowed_hosts: [%s]
                    http:
                      port: 0
                      admin_token_env: REVIEW_ADMIN_TOKEN   # deprecated spelling of admin.token_env, still read
                    """.formatted(kafka.servers(), suffix, suffix, suffix, reviewTopic, suffix, suffix, model.baseUrl(), model.baseUrl(),
                    receiver.url(), receiver.hostAndPort()), dir);
            assertThat(config.problems()).isEmpty();
            Map<String, String> env = Map.of("REVIEW_ADMIN_TOKEN", TOKEN);
            try (CapturedLogs logs = new CapturedLogs();
                 Engine engine = Engine.builder(config.config()).secrets(name -> Optional.ofNullable(env.get(name))).build()) {
                WorkflowLoader.Result workflow = engine.loader().load(dir.resolve("wf.yaml"));
                assertThat(workflow.problems()).isEmpty();
                engine.start(List.of(workflow.workflow()));
                ReviewCommandRunner cli = new ReviewCommandRunner(env::get);
                String decisionsTopic = "review.decisions." + suffix;
                String[] onKafka = {"--bootstrap-servers", kafka.servers(), "--topic", reviewTopic, "--decisions-topic", decisionsTopic};
                String[] onApi = {"--url", "http://127.0.0.1:" + engine.adminPort(), "--token-env", "REVIEW_ADMIN_TOKEN"};

                // when two tickets arrive and every model is unsure
                EventPublisher.publish(kafka.servers(), Map.of(), "review.events." + suffix, new StringReader(
                        ticket("ev-approve", "Charged twice", "My card was charged twice this month")
                                + ticket("ev-reject", "Weird", "Something odd happened")));
                String approveId = ReviewRecords.reviewId(workflowName, "/it", "ev-approve", "triage");
                String rejectId = ReviewRecords.reviewId(workflowName, "/it", "ev-reject", "triage");

                // then both are held, and review list shows them
                await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                        assertThat(cli.run("list", onKafka).out()).contains(approveId, rejectId, workflowName, "triage"));
                ReviewCommandRunner.Run shown = cli.run("show", onKafka, approveId);
                assertThat(shown.exit()).isZero();
                JsonNode held = JSON.readTree(shown.out());
                assertThat(held.path("status").asText()).isEqualTo("pending");
                assertThat(held.path("candidates")).extracting(c -> c.path("outcome").asText()).containsOnly("low_confidence");
                assertThat(held.path("event").path("id").asText()).isEqualTo("ev-approve");
                assertThat(receiver.tasks()).isEmpty();
                long modelCallsBeforeDecisions = model.requestCount();

                // and when someone forges decisions: the decided event of issue 16 on the events topic, and one for a review nobody held
                EventPublisher.publish(kafka.servers(), Map.of(), "review.events." + suffix, new StringReader(forgedDecidedEvent(workflowName)));
                send(kafka.servers(), decisionsTopic, "rev_000000000000000000000000", "{\"review_id\":\"rev_000000000000000000000000\","
                        + "\"workflow\":\"" + workflowName + "\",\"decision\":\"approved\",\"value\":{\"label\":\"billing\"},\"decided_by\":\"mallory\"}");

                // when one is approved with a corrected label on Kafka, and the other rejected through the admin API
                ReviewCommandRunner.Run approved = cli.run("approve", onKafka, approveId, "--value", "{\"label\":\"billing\"}", "--by", "ann");
                ReviewCommandRunner.Run rejected = cli.run("reject", onApi, rejectId, "--by", "bob", "--note", "spam");

                // then the approved event resumes after triage and its task carries the approved label
                assertThat(approved.exit()).as(approved.err()).isZero();
                assertThat(approved.out()).contains("Approved " + approveId, "{\"label\":\"billing\"}");
                assertThat(rejected.exit()).as(rejected.err()).isZero();
                assertThat(rejected.out()).contains("Rejected " + rejectId);
                await().atMost(Duration.ofSeconds(60)).until(() -> receiver.tasks().size() == 1);
                JsonNode task = JSON.readTree(receiver.tasks().values().iterator().next());
                assertThat(task.path("eventId").asText()).isEqualTo("ev-approve");
                assertThat(task.path("fields").path("label").asText()).isEqualTo("billing");
                assertThat(task.path("title").asText()).isEqualTo("[billing] Charged twice");
                await().atMost(Duration.ofSeconds(30)).until(() ->
                        engine.counters().get("workflow." + workflowName).getOrDefault("reviews_rejected", 0L) == 1L
                                && engine.counters().get("workflow." + workflowName).getOrDefault("reviews_approved", 0L) == 1L);
                assertThat(receiver.tasks()).hasSize(1);
                // each decision is logged at INFO with who took it, whichever door it came in by (issue 18)
                assertThat(logs.lines()).anySatisfy(line -> assertThat(line).contains("INFO Review " + approveId + " approved by '"))
                        .anySatisfy(line -> assertThat(line).contains("INFO Review " + rejectId + " rejected by 'admin' on behalf of 'bob' in workflow "
                                + workflowName));
                // the reviewed step is not asked again
                assertThat(model.requestCount()).isEqualTo(modelCallsBeforeDecisions);

                // and nothing is pending any more; the review topic keeps who decided what
                assertThat(cli.run("list", onApi).out()).contains("No pending reviews.");
                assertThat(cli.run("list", onKafka).out()).contains("No pending reviews.");
                List<JsonNode> decisions = TopicRecords.all(kafka.servers(), reviewTopic).stream()
                        .map(record -> read(record.value())).filter(value -> !"pending".equals(value.path("status").asText())).toList();
                // (the admin API decides as its token, "admin", and keeps the name it was given)
                assertThat(decisions).extracting(d -> d.path("review_id").asText() + ":" + d.path("status").asText() + ":" + d.path("decided_by").asText()
                        + ":" + d.path("on_behalf_of").asText("-")).containsExactlyInAnyOrder(approveId + ":approved:ann:-", rejectId + ":rejected:admin:bob");
                JsonNode lineage = task.path("lineage");
                assertThat(lineage).anySatisfy(call -> assertThat(call.path("provider").asText() + ":" + call.path("model").asText()).isEqualTo("review:ann"));

                // and a review is decided once
                ReviewCommandRunner.Run again = cli.run("approve", onKafka, approveId);
                assertThat(again.exit()).isEqualTo(1);
                assertThat(again.err()).contains("already approved by ann");
                ReviewCommandRunner.Run unknown = cli.run("reject", onApi, "rev_000000000000000000000000");
                assertThat(unknown.exit()).isEqualTo(1);
                assertThat(unknown.err()).contains("HTTP 404", "No review 'rev_000000000000000000000000'");
                // and the workflow refuses a second decision written straight to the topic, as it refused the forged ones
                send(kafka.servers(), decisionsTopic, approveId, "{\"review_id\":\"" + approveId + "\",\"workflow\":\"" + workflowName
                        + "\",\"decision\":\"approved\",\"value\":{\"label\":\"bug\"},\"decided_by\":\"mallory\"}");
                await().atMost(Duration.ofSeconds(30)).until(() ->
                        engine.counters().get("workflow." + workflowName).getOrDefault("decisions_refused", 0L) == 2L);
                assertThat(receiver.tasks()).hasSize(1);
                assertThat(engine.counters().get("workflow." + workflowName)).containsEntry("reviews_approved", 1L);
            }
        }
    }

    @Test
    void should_refuse_with_a_hint_when_the_value_is_not_a_json_object() {
        // given
        ReviewCommandRunner cli = new ReviewCommandRunner(name -> null);

        // when
        ReviewCommandRunner.Run run = cli.run("approve", new String[] {"--bootstrap-servers", "127.0.0.1:1"}, "rev_x", "--value", "billing");

        // then
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("Invalid --value: not JSON", "--value '{\"label\":\"billing\"}'");
    }

    @Test
    void should_say_where_reviews_can_be_read_when_no_connection_is_given() {
        // when
        ReviewCommandRunner.Run run = new ReviewCommandRunner(name -> null).run("list", new String[0]);

        // then
        assertThat(run.exit()).isEqualTo(2);
        assertThat(run.err()).contains("--bootstrap-servers", "--config", "--url");
    }

    private static String ticket(String id, String subject, String body) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/it\",\"type\":\"ticket.created\","
                + "\"data\":{\"ticket_id\":\"" + id + "\",\"subject\":\"" + subject + "\",\"body\":\"" + body + "\"}}\n";
    }

    /** The forged event of issue 16: a decision on the workflow's own topic, with a value and an event of the sender's choosing. */
    private static String forgedDecidedEvent(String workflow) {
        return "{\"specversion\":\"1.0\",\"id\":\"decision-forged\",\"source\":\"/attacker\",\"type\":\"switchboard.review.decided\","
                + "\"data\":{\"review_id\":\"rev_forged\",\"workflow\":\"" + workflow + "\",\"step\":\"triage\",\"decision\":\"approved\","
                + "\"value\":{\"label\":\"billing\"},\"steps\":{},\"event\":{\"specversion\":\"1.0\",\"id\":\"ev-forged\","
                + "\"source\":\"/attacker\",\"type\":\"ticket.created\",\"data\":{\"ticket_id\":\"9\",\"subject\":\"Pay me\",\"body\":\"now\"}}}}\n";
    }

    private static void send(String servers, String topic, String key, String value) throws Exception {
        Map<String, Object> properties = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(properties, new StringSerializer(), new StringSerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        }
    }

    private static JsonNode read(byte[] value) {
        try {
            return JSON.readTree(new String(value, StandardCharsets.UTF_8));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
