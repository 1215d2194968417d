package dev.switchboard.workflows.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.llm.sim.ModelSimulator;
import dev.switchboard.workflows.cli.EventPublisher;
import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.workflows.model.WorkflowLoader;
import dev.switchboard.workflows.testing.SharedKafka;
import dev.switchboard.workflows.testing.TaskReceiver;
import dev.switchboard.workflows.testing.TopicRecords;
import java.io.IOException;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The audit topic holds one record per model call, and its figures are the simulator's: tokens as
 * the endpoint counted them, the cost at the configured prices, the prompt id and version the task
 * carries, and cache hits at zero tokens and cost. Calls of a repair turn are records of their own.
 */
@ExtendWith(SharedKafka.class)
class AuditIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern CASE = Pattern.compile("case (a\\d+)");
    private static final double IN_PRICE = 0.27;
    private static final double OUT_PRICE = 1.10;

    @TempDir
    Path dir;

    @Test
    void should_write_one_audit_record_per_model_call_with_the_simulators_figures_when_a_workflow_calls_a_model(
            SharedKafka.Bootstrap kafka) throws Exception {
        // given a model that answers off-schema once for 'REPAIR' texts, then correctly after the repair turn
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String auditTopic = "audit.audit." + suffix;
        try (ModelSimulator model = ModelSimulator.start().reportedModel("qwen2.5-7b-instruct").answers(request -> {
                 boolean repairTurn = request.messages().size() > 2;
                 if (request.body().contains("REPAIR") && !repairTurn) {
                     return ModelSimulator.answer("refund", 0.9);
                 }
                 return ModelSimulator.answer(request.body().contains("invoice") ? "billing" : "bug", 0.8);
             });
             TaskReceiver receiver = new TaskReceiver();
             Engine engine = engine(kafka, suffix, model, receiver, auditTopic)) {
            // when three events are classified, then a fourth with the same text as the first (a cache hit)
            publish(kafka, suffix, event("a1", "My invoice is wrong, case a1"), event("a2", "The export crashes, case a2"),
                    event("a3", "REPAIR the app crashes, case a3"));
            await().atMost(Duration.ofSeconds(60)).until(() -> receiver.tasks().size() == 3);
            publish(kafka, suffix, event("a4", "My invoice is wrong, case a1"));
            await().atMost(Duration.ofSeconds(60)).until(() -> receiver.tasks().size() == 4);

            // then there is one audit record per call: four answered by the model (a3 twice), one from the cache
            List<ModelSimulator.Exchange> exchanges = model.exchanges();
            await().atMost(Duration.ofSeconds(30)).until(() -> TopicRecords.all(kafka.servers(), auditTopic).size() == exchanges.size() + 1);
            Map<String, List<JsonNode>> audit = new LinkedHashMap<>();
            for (var record : TopicRecords.all(kafka.servers(), auditTopic)) {
                JsonNode value = JSON.readTree(record.value());
                audit.computeIfAbsent(value.path("event_id").asText(), id -> new ArrayList<>()).add(value);
            }
            assertThat(exchanges).hasSize(4).allSatisfy(exchange -> assertThat(exchange.status()).isEqualTo(200));
            assertThat(audit.keySet()).containsExactlyInAnyOrder("a1", "a2", "a3", "a4");
            assertThat(audit.get("a3")).hasSize(2);
            assertThat(audit.get("a3").get(1).path("parameters").path("repair").asBoolean()).isTrue();

            // and the tokens are the simulator's, call by call, and the cost is theirs at the configured prices
            Map<String, List<ModelSimulator.Exchange>> byEvent = new LinkedHashMap<>();
            for (ModelSimulator.Exchange exchange : exchanges) {
                byEvent.computeIfAbsent(eventOf(exchange), id -> new ArrayList<>()).add(exchange);
            }
            for (String eventId : List.of("a1", "a2", "a3")) {
                List<JsonNode> records = audit.get(eventId);
                List<ModelSimulator.Exchange> calls = byEvent.get(eventId);
                assertThat(records).as("audit records of %s", eventId).hasSameSizeAs(calls);
                for (int i = 0; i < calls.size(); i++) {
                    JsonNode record = records.get(i);
                    assertThat(record.path("tokens_in").asLong()).isEqualTo(calls.get(i).promptTokens());
                    assertThat(record.path("tokens_out").asLong()).isEqualTo(calls.get(i).completionTokens());
                    assertThat(record.path("cost_usd").asDouble()).isCloseTo(
                            (calls.get(i).promptTokens() * IN_PRICE + calls.get(i).completionTokens() * OUT_PRICE) / 1e6, within(1e-12));
                    assertThat(record.path("cache_hit").asBoolean()).isFalse();
                    assertThat(record.path("latency_ms").asDouble()).isPositive();
                    assertThat(record.path("outcome").asText()).isEqualTo("ok");
                }
            }
            // the cache hit: no tokens, no cost
            JsonNode hit = audit.get("a4").get(0);
            assertThat(audit.get("a4")).hasSize(1);
            assertThat(hit.path("cache_hit").asBoolean()).isTrue();
            assertThat(hit.path("tokens_in").asLong()).isZero();
            assertThat(hit.path("tokens_out").asLong()).isZero();
            assertThat(hit.path("cost_usd").asDouble()).isZero();

            // and every record names the workflow, step, provider, model and the prompt version the tasks carry
            String promptVersion = JSON.readTree(receiver.tasks().values().iterator().next()).path("fields").path("prompt_version").asText();
            assertThat(promptVersion).startsWith("pv-");
            assertThat(audit.values().stream().flatMap(List::stream)).allSatisfy(record -> {
                assertThat(record.path("workflow").asText()).isEqualTo("audit-" + suffix);
                assertThat(record.path("step").asText()).isEqualTo("triage");
                assertThat(record.path("prompt_id").asText()).isEqualTo("classify/triage");
                assertThat(record.path("prompt_version").asText()).isEqualTo(promptVersion);
                assertThat(record.path("provider").asText()).isEqualTo("sim");
            });
            assertThat(audit.get("a1").get(0).path("model").asText()).isEqualTo("qwen2.5-7b-instruct");
            for (String body : receiver.tasks().values()) {
                assertThat(JSON.readTree(body).path("fields").path("prompt_version").asText()).isEqualTo(promptVersion);
            }
        }
    }

    private Engine engine(SharedKafka.Bootstrap kafka, String suffix, ModelSimulator model, TaskReceiver receiver, String auditTopic)
            throws IOException {
        Files.writeString(dir.resolve("wf.yaml"), """
                name: audit-%s
                on:
                  topic: audit.events.%s
                  types: [ticket.created]
                  start: earliest
                steps:
                  - id: triage
                    classify:
                      input: "{{ event.data.body }}"
                      model: sim
                      labels:
                        billing: Invoices and payments
                        bug: Something is broken
                  - id: create-task
                    task:
                      sink: receiver
                      title: "[{{ steps.triage.label }}] {{ event.data.subject }}"
                      fields:
                        prompt_version: "{{ steps.triage.prompt_version }}"
                """.formatted(suffix, suffix));
        var config = EngineConfigLoader.standard().parse("it.yaml", """
                kafka:
                  bootstrap_servers: %s
                topics:
                  tasks: audit.tasks.%s
                  dead_letter: audit.dlq.%s
                  deliveries: audit.deliveries.%s
                  review: audit.review.%s
                  audit: %s
                models:
                  sim:
                    base_url: %s
                    model: qwen2.5-7b-instruct
                    retries: 0
                    input_price_per_million: %s
                    output_price_per_million: %s
                sinks:
                  receiver:
                    webhook:
                      url: %s
                outbound:
                  allowed_hosts: [%s]
                http:
                  port: -1
                """.formatted(kafka.servers(), suffix, suffix, suffix, suffix, auditTopic, model.baseUrl(), IN_PRICE, OUT_PRICE,
                receiver.url(), receiver.hostAndPort()), dir);
        assertThat(config.problems()).isEmpty();
        Engine engine = Engine.builder(config.config()).secrets(name -> Optional.empty()).build();
        WorkflowLoader.Result workflow = engine.loader().load(dir.resolve("wf.yaml"));
        assertThat(workflow.problems()).isEmpty();
        engine.start(List.of(workflow.workflow()));
        return engine;
    }

    private static String event(String id, String body) {
        return "{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/it\",\"type\":\"ticket.created\","
                + "\"data\":{\"ticket_id\":\"" + id + "\",\"subject\":\"S " + id + "\",\"body\":\"" + body + "\"}}\n";
    }

    private static void publish(SharedKafka.Bootstrap kafka, String suffix, String... events) throws Exception {
        EventPublisher.publish(kafka.servers(), Map.of(), "audit.events." + suffix, new StringReader(String.join("", events)));
    }

    private static String eventOf(ModelSimulator.Exchange exchange) {
        Matcher matcher = CASE.matcher(exchange.request().body());
        return matcher.find() ? matcher.group(1) : "?";
    }
}
