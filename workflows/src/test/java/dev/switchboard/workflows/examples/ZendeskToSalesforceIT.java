package dev.switchboard.workflows.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.workflows.model.WorkflowLoader;
import dev.switchboard.workflows.runtime.Engine;
import dev.switchboard.workflows.testing.SharedKafka;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped example {@code zendesk-ticket-triage.yaml} end to end: a signed Zendesk webhook in,
 * the embedded model classifies, and a Task is created through the Salesforce REST API. Salesforce
 * cannot run here: a local HTTP server stands in for it with the documented request and response
 * shapes ({@code POST /services/data/v60.0/sobjects/Task} → 201 {@code {"id", "success", "errors"}}).
 */
@ExtendWith(SharedKafka.class)
class ZendeskToSalesforceIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SIGNING_SECRET = "zendesk-signing-secret-for-it";
    private static final String SALESFORCE_TOKEN = "00D000000000001!AQ4AQFake.Token";

    @TempDir
    Path dir;

    @Test
    void should_create_a_salesforce_task_when_zendesk_posts_a_signed_ticket(SharedKafka.Bootstrap kafka) throws Exception {
        // given a Salesforce stand-in that records Task inserts
        List<JsonNode> tasks = new CopyOnWriteArrayList<>();
        List<String> authorizations = new CopyOnWriteArrayList<>();
        HttpServer salesforce = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        salesforce.createContext("/services/data/v60.0/sobjects/Task", exchange -> {
            tasks.add(JSON.readTree(exchange.getRequestBody().readAllBytes()));
            authorizations.add(exchange.getRequestHeaders().getFirst("Authorization"));
            byte[] body = ("{\"id\":\"00T5e00000" + tasks.size() + "ABCDE\",\"success\":true,\"errors\":[]}").getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(201, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        salesforce.start();
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        Path examples = Path.of("examples");
        String workflow = Files.readString(examples.resolve("zendesk-ticket-triage.yaml"))
                .replace("topic: switchboard.events", "topic: zendesk.events." + suffix)
                .replace("  types: [ticket.created]", "  types: [ticket.created]\n  start: earliest");
        Files.writeString(dir.resolve("zendesk-ticket-triage.yaml"), workflow);
        String sf = "127.0.0.1:" + salesforce.getAddress().getPort();
        var config = EngineConfigLoader.standard(secret(Map.of("ZENDESK_WEBHOOK_SECRET", SIGNING_SECRET,
                "SALESFORCE_ACCESS_TOKEN", SALESFORCE_TOKEN))).parse("it.yaml", """
                kafka:
                  bootstrap_servers: %s
                topics:
                  tasks: zendesk.tasks.%s
                  dead_letter: zendesk.dlq.%s
                  deliveries: zendesk.deliveries.%s
                sources:
                  zendesk-tickets:
                    zendesk:
                      topic: zendesk.events.%s
                      auth:
                        secret_env: ZENDESK_WEBHOOK_SECRET
                sinks:
                  salesforce-tasks:
                    salesforce:
                      instance_url: http://%s
                      token_env: SALESFORCE_ACCESS_TOKEN
                outbound:
                  allowed_hosts: [%s]
                http:
                  port: 0
                """.formatted(kafka.servers(), suffix, suffix, suffix, suffix, sf, sf), dir);
        assertThat(config.problems()).isEmpty();
        try (Engine engine = Engine.builder(config.config()).secrets(secret(Map.of("ZENDESK_WEBHOOK_SECRET", SIGNING_SECRET,
                "SALESFORCE_ACCESS_TOKEN", SALESFORCE_TOKEN))).build()) {
            WorkflowLoader.Result loaded = engine.loader().load(dir.resolve("zendesk-ticket-triage.yaml"));
            assertThat(loaded.problems()).isEmpty();
            engine.start(List.of(loaded.workflow()));

            // when Zendesk posts a signed ticket event
            byte[] body = Files.readAllBytes(Path.of("../connectors/src/test/resources/webhooks/zendesk/ticket-created-event.json"));
            String timestamp = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SIGNING_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update(timestamp.getBytes(StandardCharsets.UTF_8));
            String signature = Base64.getEncoder().encodeToString(mac.doFinal(body));
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + engine.httpPort() + "/webhooks/zendesk"))
                    .header("Content-Type", "application/json")
                    .header("X-Zendesk-Webhook-Signature-Timestamp", timestamp)
                    .header("X-Zendesk-Webhook-Signature", signature)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());

            // then the webhook is accepted and one Task reaches Salesforce, classified, with the bearer token
            assertThat(response.statusCode()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(90)).until(() -> tasks.size() == 1);
            JsonNode task = tasks.get(0);
            assertThat(task.path("Subject").asText()).matches("(URGENT )?\\[(billing|bug|account_access|how_to|cancellation)] .+");
            assertThat(task.path("Switchboard_Task_Id__c").asText()).startsWith("tsk_");
            assertThat(authorizations.get(0)).isEqualTo("Bearer " + SALESFORCE_TOKEN);
        } finally {
            salesforce.stop(0);
        }
    }

    private static java.util.function.Function<String, Optional<String>> secret(Map<String, String> values) {
        return name -> Optional.ofNullable(values.get(name));
    }
}
