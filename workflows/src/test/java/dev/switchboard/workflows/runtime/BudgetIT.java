package dev.switchboard.workflows.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.llm.sim.ModelSimulator;
import dev.switchboard.workflows.cli.EventPublisher;
import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.workflows.model.WorkflowLoader;
import dev.switchboard.workflows.testing.CapturedLogs;
import dev.switchboard.workflows.testing.MutableClock;
import dev.switchboard.workflows.testing.SharedKafka;
import dev.switchboard.workflows.testing.TaskReceiver;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A workflow's {@code budget:} on a running engine, with the model simulator as the endpoint: once
 * the day's spend passes {@code daily_usd}, {@code fallback} moves the model steps to the cheaper
 * model, and {@code pause} stops the route until 00:00 UTC without losing an event. Both say so in
 * the logs and in {@code switchboard_budget_*} metrics.
 */
@ExtendWith(SharedKafka.class)
class BudgetIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void should_switch_model_steps_to_the_fallback_model_when_the_daily_budget_is_spent(SharedKafka.Bootstrap kafka) throws Exception {
        // given a premium model at $1,000 per million tokens, a free one, and a budget of a tenth of a cent
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        try (ModelSimulator model = ModelSimulator.start().answers(request -> ModelSimulator.answer("bug", 0.9));
             TaskReceiver receiver = new TaskReceiver();
             CapturedLogs logs = new CapturedLogs();
             Engine engine = engine(kafka, suffix, model, receiver, """
                     budget:
                       daily_usd: 0.001
                       on_exceed: fallback
                       fallback_model: cheap
                     """, Optional.empty())) {
            // when one event spends the budget, then three more arrive
            publish(kafka, suffix, "e1");
            await().atMost(Duration.ofSeconds(60)).until(() -> receiver.tasks().size() == 1);
            publish(kafka, suffix, "e2", "e3", "e4");
            await().atMost(Duration.ofSeconds(60)).until(() -> receiver.tasks().size() == 4);

            // then the first call went to the premium model and every later one to the cheap one
            assertThat(model.requests()).extracting(ModelSimulator.Request::model)
                    .containsExactly("premium-model", "cheap-model", "cheap-model", "cheap-model");
            for (String body : receiver.tasks().values()) {
                JsonNode task = JSON.readTree(body);
                String expected = task.path("eventId").asText().equals("e1") ? "premium" : "cheap";
                assertThat(task.path("lineage").get(0).path("provider").asText()).isEqualTo(expected);
            }
            // and logs and metrics say so
            assertThat(logs.lines()).anyMatch(line -> line.contains("Workflow 'budget-" + suffix + "' spent $")
                    && line.contains("its model steps use 'cheap' until 00:00 UTC"));
            String metrics = engine.metrics().scrape();
            assertThat(gauge(metrics, "switchboard_budget_state", suffix, "state=\"fallback\"")).isEqualTo(1.0);
            assertThat(gauge(metrics, "switchboard_budget_state", suffix, "state=\"within\"")).isEqualTo(0.0);
            assertThat(gauge(metrics, "switchboard_budget_spent_usd", suffix, "")).isGreaterThan(0.001);
        }
    }

    @Test
    void should_stop_taking_events_until_midnight_utc_without_losing_any_when_the_budget_pauses(SharedKafka.Bootstrap kafka)
            throws Exception {
        // given a clock a second before midnight that stands still, and a budget that one call spends
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        MutableClock clock = new MutableClock(Instant.parse("2026-11-30T23:59:59Z"));
        try (ModelSimulator model = ModelSimulator.start().answers(request -> ModelSimulator.answer("bug", 0.9));
             TaskReceiver receiver = new TaskReceiver();
             CapturedLogs logs = new CapturedLogs();
             Engine engine = engine(kafka, suffix, model, receiver, """
                     budget:
                       daily_usd: 0.001
                       on_exceed: pause
                     """, Optional.of(clock))) {
            // when the first event spends the day's budget
            publish(kafka, suffix, "e1");
            await().atMost(Duration.ofSeconds(60)).until(() -> receiver.tasks().size() == 1);
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    gauge(engine.metrics().scrape(), "switchboard_budget_state", suffix, "state=\"paused\"") == 1.0);

            // then the route stops: two more events wait in Kafka, and the model is not called
            publish(kafka, suffix, "e2", "e3");
            Thread.sleep(3000); // nothing should happen in this time: a stopped route reads nothing
            assertThat(receiver.tasks()).hasSize(1);
            assertThat(model.requestCount()).isEqualTo(1);
            assertThat(logs.lines()).anyMatch(line -> line.contains("Workflow 'budget-" + suffix + "' is paused by its budget")
                    && line.contains("until 00:00 UTC"));

            // when the next UTC day begins (each day's budget takes one batch; move on a day whenever it pauses again)
            for (int day = 1; day <= 3 && receiver.tasks().size() < 3; day++) {
                clock.set(Instant.parse("2026-11-30T00:00:01Z").plus(Duration.ofDays(day)));
                int before = receiver.tasks().size();
                await().atMost(Duration.ofSeconds(60)).until(() -> receiver.tasks().size() > before);
            }

            // then the waiting events are processed: none was lost
            assertThat(receiver.tasks()).hasSize(3);
            assertThat(logs.lines()).anyMatch(line -> line.contains("Workflow 'budget-" + suffix + "' takes events again"));
        }
    }

    @Test
    void should_remember_todays_spend_from_the_audit_topic_when_the_engine_restarts(SharedKafka.Bootstrap kafka) throws Exception {
        // given an engine whose workflow spent its day's budget (pause), then stopped
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String budget = """
                budget:
                  daily_usd: 0.001
                  on_exceed: pause
                """;
        try (ModelSimulator model = ModelSimulator.start().answers(request -> ModelSimulator.answer("bug", 0.9));
             TaskReceiver receiver = new TaskReceiver()) {
            try (Engine first = engine(kafka, suffix, model, receiver, budget, Optional.empty())) {
                publish(kafka, suffix, "e1");
                await().atMost(Duration.ofSeconds(60)).until(() -> receiver.tasks().size() == 1);
            }

            // when it starts again the same day, and another event arrives
            try (CapturedLogs logs = new CapturedLogs();
                 Engine second = engine(kafka, suffix, model, receiver, budget, Optional.empty())) {
                publish(kafka, suffix, "e2");
                Thread.sleep(3000); // nothing should happen in this time: the budget is still spent

                // then the spend was read back, the workflow takes no events, and the model is not called
                assertThat(gauge(second.metrics().scrape(), "switchboard_budget_spent_usd", suffix, "")).isGreaterThan(0.001);
                assertThat(gauge(second.metrics().scrape(), "switchboard_budget_state", suffix, "state=\"paused\"")).isEqualTo(1.0);
                assertThat(receiver.tasks()).hasSize(1);
                assertThat(model.requestCount()).isEqualTo(1);
                assertThat(logs.lines()).anyMatch(line -> line.contains("Workflow 'budget-" + suffix + "' spent $")
                        && line.contains("on models today before this start"));
            }
        }
    }

    private Engine engine(SharedKafka.Bootstrap kafka, String suffix, ModelSimulator model, TaskReceiver receiver, String budget,
                          Optional<MutableClock> clock) throws Exception {
        Files.writeString(dir.resolve("wf.yaml"), """
                name: budget-%s
                on:
                  topic: budget.events.%s
                  types: [ticket.created]
                  start: earliest
                steps:
                  - id: triage
                    classify:
                      input: "{{ event.data.body }}"
                      model: premium
                      cache: "off"
                      labels:
                        billing: Invoices and payments
                        bug: Something is broken
                  - id: create-task
                    task:
                      sink: receiver
                      title: "[{{ steps.triage.label }}] {{ event.data.subject }}"
                %s""".formatted(suffix, suffix, budget));
        var config = EngineConfigLoader.standard().parse("it.yaml", """
                kafka:
                  bootstrap_servers: %s
                topics:
                  tasks: budget.tasks.%s
                  dead_letter: budget.dlq.%s
                  deliveries: budget.deliveries.%s
                  review: budget.review.%s
                  audit: budget.audit.%s
                models:
                  premium:
                    base_url: %s
                    model: premium-model
                    retries: 0
                    input_price_per_million: 1000
                    output_price_per_million: 1000
                  cheap:
                    base_url: %s
                    model: cheap-model
                    retries: 0
                sinks:
                  receiver:
                    webhook:
                      url: %s
                outbound:
                  allowed_hosts: [%s]
                http:
                  port: -1
                """.formatted(kafka.servers(), suffix, suffix, suffix, suffix, suffix, model.baseUrl(), model.baseUrl(),
                receiver.url(), receiver.hostAndPort()), dir);
        assertThat(config.problems()).isEmpty();
        Engine engine = clock.isPresent()
                ? Engine.builder(config.config()).secrets(name -> Optional.empty()).openTelemetry(io.opentelemetry.api.OpenTelemetry.noop()).clock(clock.get()).build()
                : Engine.builder(config.config()).secrets(name -> Optional.empty()).build();
        WorkflowLoader.Result workflow = engine.loader().load(dir.resolve("wf.yaml"));
        assertThat(workflow.problems()).isEmpty();
        assertThat(workflow.workflow().budget()).isNotNull();
        engine.start(List.of(workflow.workflow()));
        return engine;
    }

    private static void publish(SharedKafka.Bootstrap kafka, String suffix, String... ids) throws Exception {
        StringBuilder events = new StringBuilder();
        for (String id : ids) {
            events.append("{\"specversion\":\"1.0\",\"id\":\"").append(id).append("\",\"source\":\"/it\",\"type\":\"ticket.created\",")
                    .append("\"data\":{\"ticket_id\":\"").append(id).append("\",\"subject\":\"S ").append(id)
                    .append("\",\"body\":\"The export crashes, case ").append(id).append("\"}}\n");
        }
        EventPublisher.publish(kafka.servers(), Map.of(), "budget.events." + suffix, new StringReader(events.toString()));
    }

    /** The value of the gauge for workflow budget-{suffix} (and the extra label, if any) in a Prometheus scrape; NaN when absent. */
    static double gauge(String scrape, String name, String suffix, String label) {
        for (String line : scrape.split("\n")) {
            if (line.startsWith(name + "{") && line.contains("workflow=\"budget-" + suffix + "\"") && line.contains(label)) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return Double.NaN;
    }
}
