package dev.switchboard.workflows.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.schemas.Task;
import dev.switchboard.workflows.runtime.TaskDelivery;
import dev.switchboard.workflows.testing.SharedKafka;
import dev.switchboard.workflows.testing.TaskReceiver;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.GenericContainer;

/**
 * Promise: the image built from this repository runs as the Helm chart runs it (uid 10001, read-only root,
 * tmpfs mounts, no capabilities) and behaves there as the engine does anywhere: its probes answer, an event
 * becomes its task (through the embedded model, whose native libraries the image must be able to load), and
 * SIGTERM lets in-flight deliveries finish and commits their offsets before the container exits 0.
 * Runs after the package phase (failsafe), on the jar that phase built; skipped, saying why, without Docker.
 */
@ExtendWith(SharedKafka.class)
class ContainerImageIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> LABELS = Set.of("billing", "bug", "how_to", "account_access");
    private static final int FIRST = 8;
    private static final int IN_FLIGHT = 12;

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void should_answer_probes_run_a_workflow_and_drain_on_sigterm_when_run_as_the_chart_runs_it(SharedKafka.Bootstrap kafka) throws Exception {
        Optional<String> unavailable = ChartLikeContainer.unavailable();
        assumeTrue(unavailable.isEmpty(), unavailable::get);

        // given the image built from the repository, and a workflow whose sink is a receiver on 127.0.0.1
        String image = ChartLikeContainer.build(repository(), ChartLikeContainer.base().orElseThrow());
        var imageConfig = org.testcontainers.DockerClientFactory.instance().client().inspectImageCmd(image).exec().getConfig();
        assertThat(imageConfig.getUser()).as("the image's user (runAsNonRoot needs a number)").isEqualTo("10001:10001");
        String suffix = Scenario.suffix();
        String workflow = "image-" + suffix;
        String topic = "image.events." + suffix;
        TopicReader.createTopic(kafka.servers(), topic, 3, Map.of());
        int adminPort = freePort();
        try (TaskReceiver receiver = new TaskReceiver()) {
            Path config = configuration(kafka.servers(), suffix, workflow, topic, adminPort, receiver);
            Path log = Logs.file("container-image-" + suffix + ".log");
            try (GenericContainer<?> container = ChartLikeContainer.create(image, config, log)) {
                // when it starts
                container.start();

                // then both probes answer on the admin listener
                assertThat(Engines.await(() -> status(adminPort, "/health/ready") == 200, 60))
                        .as("/health/ready within 60 s; log " + log).isTrue();
                assertThat(status(adminPort, "/health/live")).isEqualTo(200);

                // and an event in becomes its task out, classified by the embedded model inside the container
                publish(kafka.servers(), topic, 0, FIRST);
                assertThat(Engines.await(() -> receiver.taskCount() == FIRST, 120)).as("tasks of the first events; log " + log).isTrue();
                for (String task : receiver.tasks().values()) {
                    String title = JSON.readTree(task).path("title").asText();
                    assertThat(title.substring(1, title.indexOf(']'))).as("label in " + title).isIn(LABELS);
                }

                // when SIGTERM arrives while the receiver holds the answers of deliveries in flight
                receiver.holdNext(IN_FLIGHT);
                publish(kafka.servers(), topic, FIRST, IN_FLIGHT);
                assertThat(Engines.await(() -> receiver.held() > 0, 60)).as("a delivery in flight").isTrue();
                int heldAtSignal = receiver.held();
                ChartLikeContainer.signal(container, "TERM");
                assertThat(Engines.await(() -> Files.readString(log).contains(ChartLikeContainer.STOPPING), 30))
                        .as("the engine began to stop; log " + log).isTrue();
                receiver.releaseHeld();
                long exitCode = ChartLikeContainer.awaitExit(container, Duration.ofSeconds(45));

                // then it finished them, committed every offset, and exited 0
                assertThat(exitCode).as("exit code; log " + log).isZero();
                assertThat(heldAtSignal).isPositive();
                // the workflow's group on the events, and the delivery stage's (whose answers were held) on the tasks
                assertThat(uncommitted(kafka.servers(), "switchboard.wf." + workflow, topic))
                        .as("events not committed by the stopped engine; log " + log).isEmpty();
                assertThat(uncommitted(kafka.servers(), TaskDelivery.GROUP_ID, "image.tasks." + suffix))
                        .as("tasks whose delivery the stopped engine did not commit; log " + log).isEmpty();
                Set<String> expected = new HashSet<>();
                for (int i = 0; i < FIRST + IN_FLIGHT; i++) {
                    expected.add(Task.idFor(workflow, "/reliability", "img-" + i, "create-task"));
                }
                assertThat(receiver.tasks().keySet()).containsExactlyInAnyOrderElementsOf(expected);
                assertThat(receiver.duplicates()).isZero();
            }
        }
    }

    /** switchboard.yaml and one workflow, laid out as the chart's ConfigMap mounts them. */
    private Path configuration(String bootstrap, String suffix, String workflow, String topic, int adminPort, TaskReceiver receiver)
            throws IOException {
        Path config = Files.createDirectories(dir.resolve("etc-switchboard"));
        Files.createDirectories(config.resolve("workflows"));
        Files.writeString(config.resolve("workflows/image.yaml"), """
                name: %s
                on:
                  topic: %s
                  types: [ticket.created]
                  start: earliest
                steps:
                  - id: triage
                    classify:
                      input: "{{ event.data.subject }}\\n\\n{{ event.data.body }}"
                      model: embedded
                      labels:
                        billing: Invoices, charges, refunds and payment methods
                        bug: Something in the product is broken or shows an error
                        how_to: Questions about how to use or configure a feature
                        account_access: Cannot log in, password reset, locked out, two-factor codes
                  - id: create-task
                    task:
                      sink: receiver
                      title: "[{{ steps.triage.label }}] {{ event.data.subject }}"
                      body: "{{ event.data.body }}"
                """.formatted(workflow, topic));
        Files.writeString(config.resolve("switchboard.yaml"), """
                kafka:
                  bootstrap_servers: %s
                topics:
                  tasks: image.tasks.%s
                  dead_letter: image.dlq.%s
                  deliveries: image.deliveries.%s
                  review: image.review.%s
                  audit: image.audit.%s
                sinks:
                  receiver:
                    webhook:
                      url: %s
                      timeout_seconds: 60
                outbound:
                  allowed_hosts: [%s]
                http:
                  port: -1
                admin:
                  host: 127.0.0.1
                  port: %d
                workflows: [workflows/image.yaml]
                """.formatted(bootstrap, suffix, suffix, suffix, suffix, suffix, receiver.url(), receiver.hostAndPort(), adminPort));
        return config;
    }

    private static void publish(String bootstrap, String topic, int from, int count) {
        try (KafkaProducer<byte[], byte[]> producer = TopicReader.producer(bootstrap, Map.of())) {
            for (int i = from; i < from + count; i++) {
                String event = Scenario.ticket("img-", i, "I cannot log in after the password reset " + i,
                        "The two-factor code is refused every time.");
                producer.send(new ProducerRecord<>(topic, Scenario.bytes("customer-" + i), Scenario.bytes(event)));
            }
            producer.flush();
        }
    }

    /** Partitions whose committed offset is behind the end offset, with how far; empty when the group committed everything. */
    private static Map<TopicPartition, Long> uncommitted(String bootstrap, String group, String topic) throws Exception {
        try (Admin admin = TopicReader.admin(bootstrap)) {
            int partitions = admin.describeTopics(Set.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS).get(topic).partitions().size();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            var ends = admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
            Map<TopicPartition, Long> behind = new HashMap<>();
            for (TopicPartition partition : latest.keySet()) {
                OffsetAndMetadata offset = committed.get(partition);
                long gap = ends.get(partition).offset() - (offset == null ? 0 : offset.offset());
                if (gap > 0) {
                    behind.put(partition, gap);
                }
            }
            return behind;
        }
    }

    private static int status(int port, String path) {
        try {
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(3)).build();
            return client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** The repository root: the folder above this module's with the Dockerfile. */
    private static Path repository() {
        Path module = Path.of("").toAbsolutePath();
        for (Path candidate = module; candidate != null; candidate = candidate.getParent()) {
            if (Files.isRegularFile(candidate.resolve("Dockerfile")) && Files.isRegularFile(candidate.resolve("mvnw"))) {
                return candidate;
            }
        }
        throw new IllegalStateException("No Dockerfile in " + module + " or a folder above it: run the test from the repository");
    }
}
