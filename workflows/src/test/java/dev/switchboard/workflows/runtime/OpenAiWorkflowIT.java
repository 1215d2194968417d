package dev.switchboard.workflows.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.llm.sim.ModelSimulator;
import dev.switchboard.workflows.cli.EventPublisher;
import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.workflows.model.WorkflowLoader;
import dev.switchboard.workflows.testing.SharedKafka;
import dev.switchboard.workflows.testing.TaskReceiver;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A workflow whose classify step calls an OpenAI-compatible endpoint. The endpoint is the model
 * simulator (a stand-in: no model can be reached from here), speaking the documented chat
 * completions shape.
 */
@ExtendWith(SharedKafka.class)
class OpenAiWorkflowIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void should_deliver_valid_labels_and_dead_letter_off_schema_answers_when_model_is_remote(SharedKafka.Bootstrap kafka) throws Exception {
        // given a simulated model that answers billing or bug, and an answer outside the labels for one ticket
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        try (ModelSimulator model = ModelSimulator.start().answers(request -> {
                 String text = request.messages().get(request.messages().size() - 1).content();
                 // the whole conversation: a model that insists on its answer through the repair turn
                 if (request.body().contains("OFF-SCHEMA")) {
                     return ModelSimulator.answer("refund", 0.99);
                 }
                 return ModelSimulator.answer(text.contains("invoice") ? "billing" : "bug", 0.8);
             });
             TaskReceiver receiver = new TaskReceiver()) {
            Files.writeString(dir.resolve("wf.yaml"), """
                    name: remote-%s
                    on:
                      topic: remote.events.%s
                      types: [ticket.created]
                      start: earliest
                    steps:
                      - id: triage
                        classify:
                          input: "{{ event.data.subject }}: {{ event.data.body }}"
                          model: sim
                          labels:
                            billing: Invoices and payments
                            bug: Something is broken
                      - id: create-task
                        task:
                          sink: receiver
                          title: "[{{ steps.triage.label }}] {{ event.data.subject }}"
                          fields:
                            label: "{{ steps.triage.label }}"
                    """.formatted(suffix, suffix));
            var config = EngineConfigLoader.standard().parse("it.yaml", """
                    kafka:
                      bootstrap_servers: %s
                    topics:
                      tasks: remote.tasks.%s
                      dead_letter: remote.dlq.%s
                      deliveries: remote.deliveries.%s
                    models:
                      sim:
                        provider: openai
                        base_url: %s
                        model: qwen2.5-7b-instruct
                        timeout_seconds: 5
                        max_tokens: 64
                        input_price_per_million: 0.27
                        output_price_per_million: 1.10
                    sinks:
                      receiver:
                        webhook:
                          url: %s
                    outbound:
                      allowed_hosts: [%s]
                    http:
                      port: 0
                    """.formatted(kafka.servers(), suffix, suffix, suffix, model.baseUrl(), receiver.url(), receiver.hostAndPort()), dir);
            assertThat(config.problems()).isEmpty();
            try (Engine engine = Engine.builder(config.config()).build()) {
                WorkflowLoader.Result workflow = engine.loader().load(dir.resolve("wf.yaml"));
                assertThat(workflow.problems()).isEmpty();
                engine.start(List.of(workflow.workflow()));

                // when
                StringBuilder events = new StringBuilder();
                for (int i = 0; i < 20; i++) {
                    String body = i == 7 ? "OFF-SCHEMA please" : i % 2 == 0 ? "my invoice is wrong" : "the app crashes";
                    events.append("{\"specversion\":\"1.0\",\"id\":\"r-").append(i).append("\",\"source\":\"/it\",\"type\":\"ticket.created\",")
                            .append("\"data\":{\"ticket_id\":\"").append(i).append("\",\"subject\":\"T").append(i).append("\",\"body\":\"").append(body).append("\"}}\n");
                }
                EventPublisher.publish(kafka.servers(), Map.of(), "remote.events." + suffix, new StringReader(events.toString()));

                // then 19 tasks arrive with labels from the set, and the off-schema answer is dead-lettered with its reason
                await().atMost(Duration.ofSeconds(60)).until(() -> receiver.tasks().size() >= 19);
                Map<String, String> reasons = new HashMap<>();
                try (KafkaConsumer<byte[], byte[]> consumer = consumer(kafka.servers())) {
                    consumer.subscribe(List.of("remote.dlq." + suffix));
                    await().atMost(Duration.ofSeconds(30)).until(() -> {
                        for (var record : consumer.poll(Duration.ofMillis(200))) {
                            reasons.put(JSON.readTree(record.value()).path("id").asText(),
                                    DeadLetters.header(record.headers(), DeadLetters.REASON));
                        }
                        return !reasons.isEmpty();
                    });
                }
                assertThat(reasons).containsOnlyKeys("r-7");
                assertThat(reasons.get("r-7")).contains("refund");
                assertThat(receiver.tasks()).hasSize(19);
                for (String body : receiver.tasks().values()) {
                    JsonNode task = JSON.readTree(body);
                    assertThat(task.path("fields").path("label").asText()).isIn("billing", "bug");
                    // lineage: the accounted model call, with the simulator's own token counts
                    JsonNode call = task.path("lineage").get(0);
                    assertThat(call.path("provider").asText()).isEqualTo("sim");
                    assertThat(call.path("tokensIn").asLong()).isPositive();
                    assertThat(call.path("costUsd").asDouble()).isPositive();
                }
                long simulatedIn = model.exchanges().stream().filter(e -> e.status() == 200).mapToLong(ModelSimulator.Exchange::promptTokens).sum();
                long accountedIn = 0;
                for (String body : receiver.tasks().values()) {
                    accountedIn += JSON.readTree(body).path("lineage").get(0).path("tokensIn").asLong();
                }
                long offSchemaIn = model.exchanges().stream()
                        .filter(e -> e.request().body().contains("OFF-SCHEMA")).mapToLong(ModelSimulator.Exchange::promptTokens).sum();
                assertThat(accountedIn).isEqualTo(simulatedIn - offSchemaIn);
                assertThat(model.requests()).allSatisfy(request -> assertThat(request.maxTokens()).isEqualTo(64));
            }
        }
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, "it-reader-" + UUID.randomUUID());
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return new KafkaConsumer<>(properties, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
