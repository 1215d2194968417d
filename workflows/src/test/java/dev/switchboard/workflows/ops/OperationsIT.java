package dev.switchboard.workflows.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.workflows.cli.EventPublisher;
import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.workflows.model.WorkflowLoader;
import dev.switchboard.workflows.runtime.Engine;
import dev.switchboard.workflows.testing.CapturedLogs;
import dev.switchboard.workflows.testing.SharedKafka;
import dev.switchboard.workflows.testing.TaskReceiver;
import java.io.StringReader;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Health, metrics and the admin API of a running engine, over real HTTP. */
@ExtendWith(SharedKafka.class)
class OperationsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String TOKEN = "test-admin-token-5f2c";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void should_expose_health_metrics_and_admin_api_when_engine_runs(SharedKafka.Bootstrap kafka) throws Exception {
        // given an engine with a webhook sink, a workflow and an admin token
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        try (CapturedLogs logs = new CapturedLogs(); TaskReceiver receiver = new TaskReceiver()) {
            Files.writeString(dir.resolve("wf.yaml"), """
                    name: ops-%s
                    on:
                      topic: ops.events.%s
                      types: [ticket.created]
                      start: earliest
                    steps:
                      - id: create-task
                        task:
                          sink: receiver
                          title: "{{ event.data.subject }}"
                    """.formatted(suffix, suffix));
            var config = EngineConfigLoader.standard().parse("it.yaml", """
                    kafka:
                      bootstrap_servers: %s
                    topics:
                      tasks: ops.tasks.%s
                      dead_letter: ops.dlq.%s
                      deliveries: ops.deliveries.%s
                    sinks:
                      receiver:
                        webhook:
                          url: %s
                    outbound:
                      allowed_hosts: [%s]
                    http:
                      port: 0
                    admin:
                      token_env: OPS_TOKEN
                    """.formatted(kafka.servers(), suffix, suffix, suffix, receiver.url(), receiver.hostAndPort()), dir);
            assertThat(config.problems()).isEmpty();
            Map<String, String> env = Map.of("OPS_TOKEN", TOKEN);
            try (Engine engine = Engine.builder(config.config()).secrets(name -> Optional.ofNullable(env.get(name))).build()) {
                WorkflowLoader.Result workflow = engine.loader().load(dir.resolve("wf.yaml"));
                engine.start(List.of(workflow.workflow()));
                String base = "http://127.0.0.1:" + engine.adminPort();
                String publicBase = "http://127.0.0.1:" + engine.httpPort();

                // when 30 good events and 2 bad ones flow through
                StringBuilder events = new StringBuilder();
                for (int i = 0; i < 30; i++) {
                    events.append("{\"specversion\":\"1.0\",\"id\":\"o-").append(i).append("\",\"source\":\"/it\",\"type\":\"ticket.created\",")
                            .append("\"data\":{\"ticket_id\":\"").append(i).append("\",\"subject\":\"S\",\"body\":\"B\"}}\n");
                }
                events.append("not json\n{\"also\":\"not a cloudevent\"}\n");
                EventPublisher.publish(kafka.servers(), Map.of(), "ops.events." + suffix, new StringReader(events.toString()));
                await().atMost(Duration.ofSeconds(60)).until(() -> receiver.tasks().size() >= 30);
                await().atMost(Duration.ofSeconds(30)).until(() -> get(base + "/metrics", null).body()
                        .contains("switchboard_delivery_tasks_total{outcome=\"delivered\",sink=\"receiver\"} 30.0"));

                // then health says live and ready
                assertThat(get(base + "/health/live", null).statusCode()).isEqualTo(200);
                await().atMost(Duration.ofSeconds(30)).until(() -> get(base + "/health/ready", null).statusCode() == 200);
                JsonNode ready = JSON.readTree(get(base + "/health/ready", null).body());
                assertThat(ready.path("kafka").path("reachable").asBoolean()).isTrue();
                assertThat(ready.path("workflows").get(0).path("state").asText()).isEqualTo("Started");

                // and the documented series carry the right counts
                String metrics = get(base + "/metrics", null).body();
                String wf = "workflow=\"ops-" + suffix + "\"";
                assertThat(value(metrics, "switchboard_workflow_events_total", "outcome=\"processed\"", wf)).isEqualTo(32);
                assertThat(value(metrics, "switchboard_workflow_events_total", "outcome=\"dead_lettered\"", wf)).isEqualTo(2);
                assertThat(value(metrics, "switchboard_workflow_tasks_total", wf)).isEqualTo(30);
                assertThat(value(metrics, "switchboard_dead_letters_total", "stage=\"workflow:ops-" + suffix + "\"")).isEqualTo(2);
                assertThat(value(metrics, "switchboard_step_events_total", "outcome=\"completed\"", "step=\"create-task\"", wf)).isEqualTo(30);
                assertThat(metrics).contains("switchboard_step_duration_seconds_bucket", "switchboard_delivery_attempts_seconds_count",
                        "switchboard_consumer_lag", "switchboard_review_queue_size", "jvm_memory_used_bytes");

                // and none of it is on the public listener
                for (String path : List.of("/health/live", "/health/ready", "/metrics", "/admin/workflows")) {
                    assertThat(get(publicBase + path, TOKEN).statusCode()).as("%s on the public listener", path).isEqualTo(404);
                }

                // and the admin API needs the token
                assertThat(get(base + "/admin/workflows", null).statusCode()).isEqualTo(401);
                assertThat(get(base + "/admin/workflows", "wrong").statusCode()).isEqualTo(401);
                JsonNode workflows = JSON.readTree(get(base + "/admin/workflows", TOKEN).body());
                assertThat(workflows.get(0).path("name").asText()).isEqualTo("ops-" + suffix);

                // and lists dead letters with their reasons
                JsonNode dead = JSON.readTree(get(base + "/admin/dead-letters?limit=10", TOKEN).body());
                assertThat(dead).hasSize(2);
                assertThat(dead.findValuesAsText("reason")).anySatisfy(reason -> assertThat(reason).startsWith("Not JSON"));

                // and pauses and resumes a workflow
                assertThat(post(base + "/admin/workflows/pause?name=ops-" + suffix, TOKEN, "").statusCode()).isEqualTo(200);
                assertThat(JSON.readTree(get(base + "/admin/workflows", TOKEN).body()).get(0).path("state").asText()).isEqualTo("Paused");
                assertThat(post(base + "/admin/workflows/resume?name=ops-" + suffix, TOKEN, "").statusCode()).isEqualTo(200);
                assertThat(JSON.readTree(get(base + "/admin/workflows", TOKEN).body()).get(0).path("state").asText()).isEqualTo("Started");
                EventPublisher.publish(kafka.servers(), Map.of(), "ops.events." + suffix, new StringReader(
                        "{\"specversion\":\"1.0\",\"id\":\"o-after\",\"source\":\"/it\",\"type\":\"ticket.created\",\"data\":{\"ticket_id\":\"x\",\"subject\":\"S\",\"body\":\"B\"}}\n"));
                await().atMost(Duration.ofSeconds(30)).until(() -> receiver.tasks().size() >= 31);

                // and re-drives a dead letter to its source topic, where it is dead-lettered again (it is still bad)
                JsonNode first = dead.get(0);
                String body = "{\"records\":[{\"partition\":" + first.path("partition").asInt() + ",\"offset\":" + first.path("offset").asLong() + "}]}";
                JsonNode redriven = JSON.readTree(post(base + "/admin/dead-letters/redrive", TOKEN, body).body());
                assertThat(redriven.path("records").get(0).path("redriven").asBoolean()).isTrue();

                // and each admin action is logged at INFO with who took it (issue 18: approvals and re-drives were not)
                assertThat(logs.lines()).anySatisfy(line -> assertThat(line).contains("INFO Admin API: workflow ops-" + suffix + " paused by 'admin'"))
                        .anySatisfy(line -> assertThat(line).contains("INFO Admin API: workflow ops-" + suffix + " resumed by 'admin'"))
                        .anySatisfy(line -> assertThat(line).contains("INFO Admin API: dead letter ops.dlq." + suffix + "/"
                                + first.path("partition").asInt() + "/" + first.path("offset").asLong() + " re-driven to "
                                + first.path("source_topic").asText() + " by 'admin'"));
                await().atMost(Duration.ofSeconds(30)).until(() ->
                        JSON.readTree(get(base + "/admin/dead-letters?limit=10", TOKEN).body()).size() == 3);

                // and the listing marks the re-driven one, and only it (issue 18: it stayed in the list with no mark)
                JsonNode listed = JSON.readTree(get(base + "/admin/dead-letters?limit=10", TOKEN).body());
                for (JsonNode letter : listed) {
                    boolean isFirst = letter.path("partition").asInt() == first.path("partition").asInt()
                            && letter.path("offset").asLong() == first.path("offset").asLong();
                    assertThat(letter.path("redriven").asBoolean()).as("redriven mark of " + letter.path("offset")).isEqualTo(isFirst);
                    if (isFirst) {
                        assertThat(letter.path("redriven_to").asText()).isEqualTo(first.path("source_topic").asText());
                        assertThat(letter.path("redriven_at").asText()).isNotEmpty();
                    }
                }
            }
        }
    }

    private static double value(String metrics, String name, String... labels) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(name + "{") && java.util.Arrays.stream(labels).allMatch(line::contains)) {
                Matcher m = Pattern.compile("} ([0-9.eE+-]+)$").matcher(line);
                if (m.find()) {
                    return Double.parseDouble(m.group(1));
                }
            }
        }
        throw new AssertionError("No series " + name + " with " + List.of(labels) + " in:\n" + metrics);
    }

    private HttpResponse<String> get(String url, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String url, String token, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
