package dev.switchboard.workflows.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.workflows.kafka.EmbeddedKafkaBroker;
import dev.switchboard.workflows.model.WorkflowLoader;
import dev.switchboard.workflows.runtime.Engine;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /health/ready} answers within the Helm chart's probe timeout (3 s) while Kafka is down: a
 * probe that times out is a failed probe too, but one that answers 503 says why.
 */
class ReadinessProbeIT {

    /** The chart's {@code readinessProbe.timeoutSeconds}. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(3);

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void should_answer_not_ready_within_the_probe_timeout_when_kafka_is_down() throws Exception {
        // given an engine with a consuming workflow, ready, on a broker of this test's own
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDir(Files.createDirectories(dir.resolve("kafka"))).build();
        broker.start();
        try {
            Files.writeString(dir.resolve("probe.yaml"), """
                    name: probe
                    on:
                      topic: probe.events
                      types: [ticket.created]
                    steps:
                      - id: log
                        task:
                          sink: out
                          title: "{{ event.data.subject }}"
                    """);
            EngineConfigLoader.Result config = EngineConfigLoader.standard().parse("switchboard.yaml", """
                    kafka:
                      bootstrap_servers: %s
                    sinks:
                      out:
                        jsonl:
                          path: out.jsonl
                    http:
                      port: 0
                    """.formatted(broker.bootstrapServers()), dir);
            assertThat(config.problems()).isEmpty();
            HttpClient http = HttpClient.newBuilder().connectTimeout(PROBE_TIMEOUT).build();
            try (Engine engine = Engine.builder(config.config()).build()) {
                WorkflowLoader.Result loaded = engine.loader().load(dir.resolve("probe.yaml"));
                assertThat(loaded.problems()).isEmpty();
                engine.start(List.of(loaded.workflow()));
                URI ready = URI.create("http://127.0.0.1:" + engine.adminPort() + "/health/ready");
                Awaitility.await("ready").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500))
                        .ignoreExceptions().until(() -> probe(http, ready) == 200);

                // when Kafka goes away
                broker.close();

                // then every probe answers within the timeout (a timeout throws and fails the test), soon with 503, and stays so
                Awaitility.await("503 from /health/ready").atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(500))
                        .until(() -> probe(http, ready) == 503);
                Awaitility.await("503 within " + PROBE_TIMEOUT + ", probe after probe").during(Duration.ofSeconds(10))
                        .atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
                        .until(() -> probe(http, ready) == 503);
            }
        } finally {
            broker.close();
        }
    }

    private static int probe(HttpClient http, URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).timeout(PROBE_TIMEOUT).GET().build(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }
}
