package dev.switchboard.workflows.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.llm.sim.ModelSimulator;
import dev.switchboard.llm.sim.ModelSimulator.Fault;
import dev.switchboard.workflows.runtime.DeadLetters;
import dev.switchboard.workflows.runtime.Engine;
import dev.switchboard.workflows.testing.SharedKafka;
import dev.switchboard.workflows.testing.TaskReceiver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Promise: a misbehaving model never loses an event. Two simulated models form an alias; the first
 * answers 429 with Retry-After, 500, hangs past the timeout, malformed JSON and off-schema labels,
 * the second off-schema and low-confidence answers now and then. A second workflow uses a single
 * faulty model. Every event ends in exactly one place: a task from the first model, a fallback's
 * task, the review topic (alias exhausted or confidence too low) or, for the single model whose
 * answer stays invalid, the dead-letter topic; and every call carried {@code max_tokens}.
 */
@ExtendWith(SharedKafka.class)
class ModelFaultsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int EVENTS = Scenario.FULL ? 3_000 : 400;
    private static final int MAX_TOKENS = 48;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void should_end_every_event_in_a_task_a_fallback_review_or_dead_letter_when_models_misbehave(SharedKafka.Bootstrap kafka) throws Exception {
        // given a chain of two faulty models, and a single faulty model
        String suffix = Scenario.suffix();
        String topic = "modelfaults.events." + suffix;
        String chained = "chain-" + suffix;
        String single = "single-" + suffix;
        try (TaskReceiver receiver = new TaskReceiver();
             ModelSimulator primary = ModelSimulator.start();
             ModelSimulator fallback = ModelSimulator.start();
             ModelSimulator lone = ModelSimulator.start()) {
            // the primary cannot read murky questions (it answers a label it was not offered), so they reach the
            // fallback, which is unsure of them: the review path is exercised by design, whatever the request order
            primary.latency(Duration.ofMillis(5))
                    .answers(request -> request.user().contains("murky") ? ModelSimulator.answer("refund", 0.9)
                            : ModelSimulator.defaultAnswer(request))
                    .faultFraction(0.10, Fault.rateLimited(Duration.ofSeconds(1)))
                    .faultFraction(0.10, Fault.serverError())
                    .faultFraction(0.04, Fault.hang(Duration.ofSeconds(3)))
                    .faultFraction(0.10, Fault.malformedJson())
                    .faultFraction(0.10, Fault.offSchema("refund"));
            fallback.latency(Duration.ofMillis(5))
                    .answers(request -> ModelSimulator.answer("bug", request.user().contains("murky") ? 0.2 : 0.9))
                    .faultFraction(0.25, Fault.offSchema("lottery"));
            lone.latency(Duration.ofMillis(5))
                    .faultFraction(0.15, Fault.offSchema("jackpot"))
                    .faultFraction(0.10, Fault.serverError());
            String config = """
                    kafka:
                      bootstrap_servers: %s
                    topics:
                      tasks: modelfaults.tasks.%s
                      dead_letter: modelfaults.dlq.%s
                      deliveries: modelfaults.deliveries.%s
                      review: modelfaults.review.%s
                      audit: modelfaults.audit.%s
                    models:
                      sim-a: {provider: openai, base_url: "%s", model: sim-a, timeout_seconds: 1, max_tokens: %d, retries: 1, max_retry_wait_seconds: 2, circuit_failure_threshold: 50}
                      sim-b: {provider: openai, base_url: "%s", model: sim-b, timeout_seconds: 1, max_tokens: %d, retries: 1}
                      sim-c: {provider: openai, base_url: "%s", model: sim-c, timeout_seconds: 1, max_tokens: %d, retries: 2}
                    aliases:
                      careful: [sim-a, sim-b]
                    sinks:
                      receiver:
                        webhook:
                          url: %s
                    outbound:
                      allowed_hosts: [%s]
                    http:
                      port: -1
                    """.formatted(kafka.servers(), suffix, suffix, suffix, suffix, suffix, primary.baseUrl(), MAX_TOKENS,
                    fallback.baseUrl(), MAX_TOKENS, lone.baseUrl(), MAX_TOKENS, receiver.url(), receiver.hostAndPort());
            Map<String, String> workflows = new LinkedHashMap<>();
            workflows.put("chained.yaml", workflow(chained, topic, "careful", 0.5));
            workflows.put("single.yaml", workflow(single, topic, "sim-c", null));
            try (Engine engine = Engines.start(dir, config, Map.of(), workflows);
                 KafkaProducer<byte[], byte[]> producer = TopicReader.producer(kafka.servers(), Map.of())) {
                // when events arrive, some of them so murky that the fallback is unsure
                for (int i = 0; i < EVENTS; i++) {
                    String body = (i % 10 == 3 ? "A murky question " : "The export button fails ") + "in case " + i;
                    producer.send(new ProducerRecord<>(topic, Scenario.bytes("customer-" + (i % 97)),
                            Scenario.bytes(Scenario.ticket("evt-", i, "Ticket " + i, body))));
                }
                producer.flush();
                Engines.await(() -> settled(engine, chained) >= EVENTS && settled(engine, single) >= EVENTS, 200);
                Engines.await(() -> receiver.taskCount() >= engine.counters().get("workflow." + chained).getOrDefault("tasks", 0L)
                        + engine.counters().get("workflow." + single).getOrDefault("tasks", 0L), 60);

                // then each event has exactly one fate per workflow
                Map<String, Map<String, String>> fates = new HashMap<>();
                fates.put(chained, new HashMap<>());
                fates.put(single, new HashMap<>());
                Map<String, Integer> doubleFates = new TreeMap<>();
                for (String body : receiver.tasks().values()) {
                    JsonNode task = JSON.readTree(body);
                    record(fates, doubleFates, task.path("workflow").asText(), task.path("eventId").asText(),
                            "task from " + task.path("fields").path("model").asText());
                }
                for (var review : TopicReader.readAll(kafka.servers(), "modelfaults.review." + suffix)) {
                    record(fates, doubleFates, DeadLetters.header(review.headers(), "switchboard.workflow"),
                            DeadLetters.header(review.headers(), "switchboard.event.id"), "review");
                }
                Map<String, Integer> reasons = new TreeMap<>();
                for (var dead : TopicReader.readAll(kafka.servers(), "modelfaults.dlq." + suffix)) {
                    String stage = DeadLetters.header(dead.headers(), DeadLetters.STAGE);
                    String reason = DeadLetters.header(dead.headers(), DeadLetters.REASON);
                    reasons.merge(reason.contains("not one of") || reason.contains("label") ? "invalid answer after repair"
                            : reason.replaceAll("\\d+", "#").substring(0, Math.min(60, reason.length())), 1, Integer::sum);
                    record(fates, doubleFates, stage.substring("workflow:".length()), JSON.readTree(dead.value()).path("id").asText(), "dead letter");
                }
                for (String workflow : new String[] {chained, single}) {
                    Map<String, Integer> byFate = new TreeMap<>();
                    fates.get(workflow).values().forEach(fate -> byFate.merge(fate, 1, Integer::sum));
                    long tasks = byFate.entrySet().stream().filter(e -> e.getKey().startsWith("task")).mapToLong(Map.Entry::getValue).sum();
                    long reviews = byFate.getOrDefault("review", 0);
                    long dead = byFate.getOrDefault("dead letter", 0);
                    new Books(workflow.startsWith("chain") ? "model faults (alias)" : "model faults (single)", EVENTS, tasks,
                            receiver.duplicates(), dead, reviews, EVENTS - tasks - reviews - dead, byFate.toString()).print();
                    assertThat(tasks + reviews + dead).as("events with a fate in " + workflow).isEqualTo(EVENTS);
                    assertThat(fates.get(workflow).keySet()).as("event ids with a fate in " + workflow + ", against the ids sent")
                            .containsExactlyInAnyOrderElementsOf(IntStream.range(0, EVENTS).mapToObj(i -> "evt-" + i).toList());
                }
                System.out.println("[reliability]   simulator answers: primary " + primary.statusCounts() + ", fallback "
                        + fallback.statusCounts() + ", single " + lone.statusCounts() + "; dead letters " + reasons);
                assertThat(doubleFates).as("events with two fates").isEmpty();
                Map<String, Integer> chainFates = new TreeMap<>();
                fates.get(chained).values().forEach(fate -> chainFates.merge(fate, 1, Integer::sum));
                assertThat(chainFates).containsKeys("task from sim-a", "task from sim-b", "review").doesNotContainKey("dead letter");
                assertThat(fates.get(single).values()).contains("dead letter");
                for (ModelSimulator simulator : new ModelSimulator[] {primary, fallback, lone}) {
                    assertThat(simulator.requests()).allSatisfy(request -> assertThat(request.maxTokens()).isEqualTo(MAX_TOKENS));
                }
                assertThat(primary.statusCounts()).containsKeys(429, 500);
            }
        }
    }

    private static long settled(Engine engine, String workflow) {
        Map<String, Long> counters = engine.counters().get("workflow." + workflow);
        return counters == null ? 0 : counters.getOrDefault("events", 0L);
    }

    private static void record(Map<String, Map<String, String>> fates, Map<String, Integer> doubleFates, String workflow, String eventId, String fate) {
        String before = fates.get(workflow).put(eventId, fate);
        if (before != null) {
            doubleFates.merge(workflow + " " + before + " + " + fate, 1, Integer::sum);
        }
    }

    private static String workflow(String name, String topic, String model, Double minConfidence) {
        return """
                name: %s
                on:
                  topic: %s
                  types: [ticket.created]
                  start: earliest
                steps:
                  - id: triage
                    classify:
                      input: "{{ event.data.body }}"
                      model: %s
                      cache: "off"
                      %s
                      labels:
                        billing: Invoices, charges and refunds
                        bug: Something in the product is broken
                        how_to: Questions about how to use a feature
                  - id: create-task
                    task:
                      sink: receiver
                      title: "[{{ steps.triage.label }}] {{ event.data.subject }}"
                      fields:
                        label: "{{ steps.triage.label }}"
                        model: "{{ steps.triage.model }}"
                """.formatted(name, topic, model, minConfidence == null ? "" : "min_confidence: " + minConfidence);
    }
}
