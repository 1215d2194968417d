package dev.switchboard.workflows.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.switchboard.llm.sim.ModelSimulator;
import dev.switchboard.workflows.cli.EventPublisher;
import dev.switchboard.workflows.cli.SalesSampleAnswers;
import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.workflows.model.WorkflowLoader;
import dev.switchboard.workflows.runtime.Engine;
import dev.switchboard.workflows.testing.SharedKafka;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped example {@code sales-call-followup.yaml} end to end on the embedded broker: the dedup stage,
 * the chat model simulated (answers from the sample's expected summaries, two server errors first), and
 * HubSpot, Salesforce and Pipedrive stand-ins with the request and answer shapes their REST docs give.
 * One call per CRM, the HubSpot one delivered twice: each CRM gets a task per next step of its call, a task
 * to send the drafted email and a call note, once.
 */
@ExtendWith(SharedKafka.class)
class SalesCallFollowupIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String HUBSPOT_CALL = "call-2026-0001";
    private static final String SALESFORCE_CALL = "call-2026-0003";
    private static final String PIPEDRIVE_CALL = "call-2026-0004";
    private static final Map<String, String> SECRETS = Map.of("HUBSPOT_PRIVATE_APP_TOKEN", "pat-na1-it-token",
            "SALESFORCE_ACCESS_TOKEN", "00D000000000001!AQ4AQFake.Token", "PIPEDRIVE_API_TOKEN", "pipedrive-it-token");

    @TempDir
    Path dir;

    @Test
    void should_file_next_steps_the_email_and_a_note_once_in_the_calls_crm_when_a_call_completes(SharedKafka.Bootstrap kafka)
            throws Exception {
        // given the example as shipped with its playbook, the sample's answers with two model outages first, and the CRMs
        Path examples = Path.of("examples");
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        Files.copy(examples.resolve("sales-call-followup.yaml"), dir.resolve("sales-call-followup.yaml"));
        Path playbook = Files.createDirectories(dir.resolve("knowledge-base/sales-playbook"));
        try (var articles = Files.list(examples.resolve("knowledge-base/sales-playbook"))) {
            for (Path article : articles.toList()) {
                Files.copy(article, playbook.resolve(article.getFileName()));
            }
        }
        SalesSampleAnswers answers = SalesSampleAnswers.from(examples.resolve("data"), 0.9);
        Map<String, JsonNode> calls = calls(examples.resolve("data/sales-calls.jsonl"));
        try (ModelSimulator model = ModelSimulator.start().answers(answers).faultFirst(2, ModelSimulator.Fault.serverError());
             Crms crms = new Crms()) {
            var config = EngineConfigLoader.standard(secret()).parse("it.yaml", """
                    kafka:
                      bootstrap_servers: %s
                      streams:
                        state_dir: streams
                        dedup:
                          input: it.sales.raw.%s
                          output: it.sales.unique.%s
                          key: "event.type == 'call.completed' ? 'call/' + event.data.call_id : event.id"
                    topics:
                      tasks: it.sales.tasks.%s
                      dead_letter: it.sales.dlq.%s
                      deliveries: it.sales.deliveries.%s
                    http:
                      port: 0
                    models:
                      fast:
                        base_url: %s
                        model: deepseek-chat
                        max_tokens: 1500
                    sinks:
                      hubspot-tasks:        { hubspot: { base_url: "%s", token_env: HUBSPOT_PRIVATE_APP_TOKEN, default_owner_id: "64492917" } }
                      hubspot-call-notes:   { hubspot-note: { base_url: "%s", token_env: HUBSPOT_PRIVATE_APP_TOKEN, default_owner_id: "64492917" } }
                      salesforce-tasks:     { salesforce: { instance_url: "%s", token_env: SALESFORCE_ACCESS_TOKEN } }
                      salesforce-call-log:  { salesforce: { instance_url: "%s", token_env: SALESFORCE_ACCESS_TOKEN, status: Completed } }
                      pipedrive-activities: { pipedrive: { base_url: "%s", token_env: PIPEDRIVE_API_TOKEN } }
                      pipedrive-call-log:   { pipedrive: { base_url: "%s", token_env: PIPEDRIVE_API_TOKEN, activity_type: call } }
                    outbound:
                      allowed_hosts: [%s]
                    """.formatted(kafka.servers(), suffix, suffix, suffix, suffix, suffix, model.baseUrl(),
                    crms.baseUrl(), crms.baseUrl(), crms.baseUrl(), crms.baseUrl(), crms.baseUrl(), crms.baseUrl(), crms.hostAndPort()), dir);
            assertThat(config.problems()).isEmpty();
            String workflow = Files.readString(dir.resolve("sales-call-followup.yaml"))
                    .replace("  topic: switchboard.events.unique\n", "  topic: it.sales.unique." + suffix + "\n  start: earliest\n");
            Files.writeString(dir.resolve("sales-call-followup.yaml"), workflow);
            try (Engine engine = Engine.builder(config.config()).secrets(secret()).build()) {
                WorkflowLoader.Result loaded = engine.loader().load(dir.resolve("sales-call-followup.yaml"));
                assertThat(loaded.problems()).isEmpty();
                engine.start(List.of(loaded.workflow()));

                // when a call of each CRM completes, and the HubSpot call is delivered a second time under another event id
                // (the platform's retry, or the same call posted to /events by a second integration)
                JsonNode again = calls.get(HUBSPOT_CALL).deepCopy();
                ((ObjectNode) again).put("id", "evt-call-2026-0001-retry");
                String events = String.join("\n", calls.get(HUBSPOT_CALL).toString(), calls.get(SALESFORCE_CALL).toString(),
                        calls.get(PIPEDRIVE_CALL).toString(), again.toString());
                EventPublisher.publish(kafka.servers(), Map.of(), "it.sales.raw." + suffix, new StringReader(events));

                // then each CRM gets a task per next step, the email task and the note of its call
                int hubspotSteps = answers.expectedCall(HUBSPOT_CALL).path("next_steps").size();
                int salesforceSteps = answers.expectedCall(SALESFORCE_CALL).path("next_steps").size();
                int pipedriveSteps = answers.expectedCall(PIPEDRIVE_CALL).path("next_steps").size();
                await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
                    assertThat(crms.hubspotTasks).hasSize(hubspotSteps + 1);
                    assertThat(crms.hubspotNotes).hasSize(1);
                    assertThat(crms.salesforceTasks).hasSize(salesforceSteps + 2);
                    assertThat(crms.pipedriveActivities).hasSize(pipedriveSteps + 2);
                });
                // the next steps as the model gave them, each on the deal and contact of the call, due when promised
                JsonNode firstStep = answers.expectedCall(HUBSPOT_CALL).path("next_steps").get(0);
                JsonNode hubspotStep = crms.hubspot("hs_task_subject", firstStep.path("owner").asText() + ": " + firstStep.path("action").asText());
                assertThat(hubspotStep.path("properties").path("hs_timestamp").asText()).startsWith(firstStep.path("due").asText());
                assertThat(hubspotStep.path("associations").toString()).contains(
                        calls.get(HUBSPOT_CALL).path("data").path("crm").path("hubspot").path("deal_id").asText());
                JsonNode email = crms.hubspot("hs_task_subject", "Send the follow-up email: ");
                assertThat(email.path("properties").path("hs_task_body").asText()).contains("Thank you for your time today", "Drafted from the playbook");
                assertThat(email.path("properties").path("hs_task_priority").asText()).isEqualTo("HIGH");
                JsonNode note = crms.hubspotNotes.values().iterator().next();
                assertThat(note.path("properties").path("hs_note_body").asText()).contains("Call summary: ", "(positive)", "Next step: ");
                // Salesforce: the call log is a completed Task on the opportunity
                JsonNode callLog = crms.salesforceTasks.values().stream().filter(task -> task.path("Status").asText().equals("Completed"))
                        .findFirst().orElseThrow();
                assertThat(callLog.path("Subject").asText()).startsWith("Call summary: ");
                assertThat(callLog.path("WhatId").asText())
                        .isEqualTo(calls.get(SALESFORCE_CALL).path("data").path("crm").path("salesforce").path("deal_id").asText());
                // Pipedrive: the call note is a call activity on the deal
                assertThat(crms.pipedriveActivities.values()).filteredOn(activity -> activity.path("type").asText().equals("call"))
                        .singleElement().satisfies(activity -> assertThat(activity.path("deal_id").asLong()).isEqualTo(
                                calls.get(PIPEDRIVE_CALL).path("data").path("crm").path("pipedrive").path("deal_id").asLong()));
                // and the second delivery of the HubSpot call was dropped by the dedup stage, so it made nothing twice
                await().atMost(Duration.ofSeconds(30)).until(() -> dropped(engine) == 1);
                assertThat(crms.hubspotTasks).hasSize(hubspotSteps + 1);
                assertThat(crms.duplicates.get()).isZero();
                assertThat(crms.unauthorized).isEmpty();
                assertThat(model.statusCount(500)).isEqualTo(2);
            }
        }
    }

    private static double dropped(Engine engine) {
        var counter = engine.metrics().registry().find("switchboard.streams.events").tag("stage", "dedup").tag("outcome", "dropped").counter();
        return counter == null ? 0 : counter.count();
    }

    private static Map<String, JsonNode> calls(Path file) throws IOException {
        Map<String, JsonNode> calls = new ConcurrentHashMap<>();
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank()) {
                JsonNode event = JSON.readTree(line);
                calls.put(event.path("data").path("call_id").asText(), event);
            }
        }
        return calls;
    }

    private static Function<String, Optional<String>> secret() {
        return name -> Optional.ofNullable(SECRETS.get(name));
    }

    /**
     * The three CRMs' create endpoints as their docs describe them: HubSpot {@code POST /crm/v3/objects/tasks|notes}
     * (201, or 409 when the unique {@code switchboard_task_id} is taken), Salesforce {@code POST .../sobjects/Task}
     * (201 {@code {"id","success","errors"}}, 400 {@code DUPLICATE_VALUE} on the external id) and Pipedrive
     * {@code GET|POST /api/v1/activities} ({@code {"success":true,"data":...}}).
     */
    private static final class Crms implements AutoCloseable {
        final Map<String, JsonNode> hubspotTasks = new ConcurrentHashMap<>();
        final Map<String, JsonNode> hubspotNotes = new ConcurrentHashMap<>();
        final Map<String, JsonNode> salesforceTasks = new ConcurrentHashMap<>();
        final Map<String, JsonNode> pipedriveActivities = new ConcurrentHashMap<>();
        final AtomicInteger duplicates = new AtomicInteger();
        private final List<String> unauthorized = new CopyOnWriteArrayList<>();
        private final AtomicInteger ids = new AtomicInteger(1000);
        private final HttpServer server;

        Crms() throws IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/crm/v3/objects/tasks", exchange -> hubspot(exchange, hubspotTasks));
            server.createContext("/crm/v3/objects/notes", exchange -> hubspot(exchange, hubspotNotes));
            server.createContext("/services/data/v60.0/sobjects/Task", this::salesforce);
            server.createContext("/api/v1/activities", this::pipedrive);
            server.start();
        }

        String baseUrl() {
            return "http://" + hostAndPort();
        }

        String hostAndPort() {
            return "127.0.0.1:" + server.getAddress().getPort();
        }

        JsonNode hubspot(String property, String start) {
            return hubspotTasks.values().stream().filter(task -> task.path("properties").path(property).asText().startsWith(start))
                    .findFirst().orElseThrow(() -> new AssertionError("no HubSpot task with " + property + " " + start + " in " + hubspotTasks.values()));
        }

        private void hubspot(HttpExchange exchange, Map<String, JsonNode> records) throws IOException {
            if (!authorized(exchange, "Authorization", "Bearer " + SECRETS.get("HUBSPOT_PRIVATE_APP_TOKEN"))) {
                return;
            }
            JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
            String id = Integer.toString(ids.incrementAndGet());
            if (records.putIfAbsent(body.path("properties").path("switchboard_task_id").asText(), body) != null) {
                duplicates.incrementAndGet();
                respond(exchange, 409, "{\"status\":\"error\",\"message\":\"Object already has a value for switchboard_task_id. Existing ID: "
                        + id + "\",\"category\":\"CONFLICT\"}");
                return;
            }
            respond(exchange, 201, "{\"id\":\"" + id + "\",\"properties\":" + body.path("properties") + "}");
        }

        private void salesforce(HttpExchange exchange) throws IOException {
            if (!authorized(exchange, "Authorization", "Bearer " + SECRETS.get("SALESFORCE_ACCESS_TOKEN"))) {
                return;
            }
            JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
            if (salesforceTasks.putIfAbsent(body.path("Switchboard_Task_Id__c").asText(), body) != null) {
                duplicates.incrementAndGet();
                respond(exchange, 400, "[{\"message\":\"duplicate value found: Switchboard_Task_Id__c duplicates value on record with id: "
                        + "00T000000000001\",\"errorCode\":\"DUPLICATE_VALUE\",\"fields\":[\"Switchboard_Task_Id__c\"]}]");
                return;
            }
            respond(exchange, 201, "{\"id\":\"00T5e00000" + ids.incrementAndGet() + "AB\",\"success\":true,\"errors\":[]}");
        }

        private void pipedrive(HttpExchange exchange) throws IOException {
            if (!authorized(exchange, "x-api-token", SECRETS.get("PIPEDRIVE_API_TOKEN"))) {
                return;
            }
            if (exchange.getRequestMethod().equals("GET")) {
                respond(exchange, 200, "{\"success\":true,\"data\":null,\"additional_data\":{\"pagination\":{\"more_items_in_collection\":false}}}");
                return;
            }
            JsonNode body = JSON.readTree(exchange.getRequestBody().readAllBytes());
            if (pipedriveActivities.putIfAbsent(body.path("note").asText(), body) != null) {
                duplicates.incrementAndGet();
            }
            respond(exchange, 201, "{\"success\":true,\"data\":{\"id\":" + ids.incrementAndGet() + "}}");
        }

        private boolean authorized(HttpExchange exchange, String header, String expected) throws IOException {
            if (expected.equals(exchange.getRequestHeaders().getFirst(header))) {
                return true;
            }
            unauthorized.add(exchange.getRequestURI().getPath());
            respond(exchange, 401, "{\"status\":\"error\",\"message\":\"Authentication credentials not found.\"}");
            return false;
        }

        private static void respond(HttpExchange exchange, int status, String body) throws IOException {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}
