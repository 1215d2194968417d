package dev.switchboard.workflows.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.schemas.Task;
import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.workflows.kafka.EmbeddedKafkaBroker;
import dev.switchboard.workflows.model.WorkflowLoader;
import dev.switchboard.workflows.runtime.Engine;
import dev.switchboard.workflows.testing.TaskReceiver;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Promise: a broker outage loses nothing and needs no restart of Switchboard. Events flow through
 * a workflow to a real HTTP receiver; mid-run the only Kafka broker is shut down for 30 seconds
 * (60 with {@code -Dswitchboard.reliability.full=true}) and then started again on the same data
 * directory and port. The engine is not touched: it reconnects by itself, becomes ready again, and
 * every event ends with exactly one task.
 */
class BrokerOutageIT {

    private static final int EVENTS = Scenario.FULL ? 10_000 : 3_000;
    private static final Duration OUTAGE = Duration.ofSeconds(Scenario.FULL ? 60 : 30);

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void should_deliver_every_event_exactly_once_when_the_broker_is_down_for_a_while() throws Exception {
        // given a broker of this test's own, on a fixed port, and an engine connected to it
        int port = freePort();
        Path data = Files.createDirectories(dir.resolve("kafka"));
        String suffix = Scenario.suffix();
        String workflow = "outage-" + suffix;
        String topic = "outage.events." + suffix;
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.builder().dataDir(data).port(port).build();
        broker.start();
        String bootstrap = broker.bootstrapServers();
        TopicReader.createTopic(bootstrap, topic, 3, Map.of());
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        try (TaskReceiver receiver = new TaskReceiver().latency(Duration.ofMillis(3))) {
            Files.writeString(dir.resolve("outage.yaml"), """
                    name: %s
                    on:
                      topic: %s
                      types: [ticket.created]
                      start: earliest
                    steps:
                      - id: create-task
                        task:
                          sink: receiver
                          title: "{{ event.data.subject }}"
                    """.formatted(workflow, topic));
            EngineConfigLoader.Result config = EngineConfigLoader.standard().parse("outage.yaml", """
                    kafka:
                      bootstrap_servers: %s
                    topics:
                      tasks: outage.tasks.%s
                      dead_letter: outage.dlq.%s
                      deliveries: outage.deliveries.%s
                      review: outage.review.%s
                      audit: outage.audit.%s
                    sinks:
                      receiver:
                        webhook:
                          url: %s
                          timeout_seconds: 10
                    outbound:
                      allowed_hosts: [%s]
                    http:
                      port: 0
                    delivery:
                      max_attempts: 10
                      initial_backoff_ms: 50
                      max_backoff_ms: 1000
                    """.formatted(bootstrap, suffix, suffix, suffix, suffix, suffix, receiver.url(), receiver.hostAndPort()), dir);
            assertThat(config.problems()).isEmpty();
            AtomicInteger published = new AtomicInteger();
            Thread publisher = new Thread(() -> publish(bootstrap, topic, published), "outage-publisher");
            publisher.setDaemon(true);
            try (Engine engine = Engine.builder(config.config()).build()) {
                WorkflowLoader.Result loaded = engine.loader().load(dir.resolve("outage.yaml"));
                assertThat(loaded.problems()).isEmpty();
                engine.start(List.of(loaded.workflow()));
                URI ready = URI.create("http://127.0.0.1:" + engine.adminPort() + "/health/ready");

                // when the broker goes away mid-run, for the whole outage, and comes back on the same data and port
                publisher.start();
                awaitTasks(receiver, EVENTS / 5, Duration.ofSeconds(60));
                int beforeOutage = receiver.taskCount();
                int publishedBeforeOutage = published.get();
                long outageStarted = System.nanoTime();
                broker.close();
                List<Integer> readinessDuringOutage = new ArrayList<>();
                while (System.nanoTime() - outageStarted < OUTAGE.toNanos()) {
                    readinessDuringOutage.add(status(http, ready, Duration.ofSeconds(12)));
                    Thread.sleep(1_000); // the outage
                }
                int duringOutage = receiver.taskCount() - beforeOutage;
                int atReturn = receiver.taskCount();
                broker = EmbeddedKafkaBroker.builder().dataDir(data).port(port).build();
                broker.start();
                long restarted = System.nanoTime();

                // then the engine carries on by itself and the books balance
                publisher.join(TimeUnit.MINUTES.toMillis(3));
                awaitTasks(receiver, EVENTS, Duration.ofSeconds(150));
                long recoveredMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - restarted);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while (status(http, ready) != 200 && System.nanoTime() < deadline) {
                    Thread.sleep(500); // readiness follows Kafka's return within the watch interval
                }
                assertThat(status(http, ready)).as("ready again without a restart").isEqualTo(200);
                Thread.sleep(1_000);

                Set<String> expected = new HashSet<>();
                for (int i = 0; i < EVENTS; i++) {
                    expected.add(Task.idFor(workflow, "/reliability", "evt-" + i, "create-task"));
                }
                Map<String, String> tasks = receiver.tasks();
                long delivered = tasks.keySet().stream().filter(expected::contains).count();
                long deadLettered = TopicReader.readAll(broker.bootstrapServers(), "outage.dlq." + suffix).size();
                Books books = new Books("broker outage " + OUTAGE.toSeconds() + " s", EVENTS, delivered, receiver.duplicates(),
                        deadLettered, 0, EVENTS - delivered - deadLettered,
                        beforeOutage + " tasks before, " + duringOutage + " during (already read), all " + EVENTS + " within "
                                + recoveredMillis + " ms of the broker's return; readiness during outage " + readinessDuringOutage).print();
                // the outage landed mid-run: tasks had flowed, the publisher was not done, and tasks were still owed at the return
                assertThat(beforeOutage).as("tasks before the outage").isGreaterThanOrEqualTo(EVENTS / 5);
                assertThat(publishedBeforeOutage).as("events published before the outage").isLessThan(EVENTS);
                assertThat(atReturn).as("tasks when the broker returned").isLessThan(EVENTS);
                // readiness told the truth while Kafka was away: 503 by the outage's end (-1 would be no answer within 12 s)
                assertThat(readinessDuringOutage.get(readinessDuringOutage.size() - 1)).as("readiness at the outage's end, of "
                        + readinessDuringOutage).isEqualTo(503);
                assertThat(books.lost()).isZero();
                assertThat(deadLettered).isZero();
                assertThat(tasks.keySet()).containsExactlyInAnyOrderElementsOf(expected);
            }
        } finally {
            broker.close();
        }
    }

    private static void awaitTasks(TaskReceiver receiver, int count, Duration patience) throws InterruptedException {
        long deadline = System.nanoTime() + patience.toNanos();
        while (receiver.taskCount() < count && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    private static int status(HttpClient http, URI uri) {
        return status(http, uri, Duration.ofSeconds(5));
    }

    private static int status(HttpClient http, URI uri, Duration timeout) {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(timeout).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    /** Publishes at a steady rate and keeps going through the outage: records wait in the producer until Kafka is back. */
    private static void publish(String bootstrap, String topic, AtomicInteger published) {
        Map<String, String> patient = Map.of(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "240000",
                ProducerConfig.MAX_BLOCK_MS_CONFIG, "240000", ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        try (KafkaProducer<byte[], byte[]> producer = TopicReader.producer(bootstrap, patient)) {
            for (int i = 0; i < EVENTS; i++) {
                String event = Scenario.ticket("evt-", i, "Ticket " + i, "Body " + i);
                producer.send(new ProducerRecord<>(topic, Scenario.bytes("customer-" + (i % 97)), Scenario.bytes(event)), (metadata, failure) -> {
                    if (failure != null) {
                        System.err.println("[reliability] the test's own publisher lost an event: " + failure);
                    }
                });
                published.incrementAndGet();
                if (i % 20 == 19) {
                    Thread.sleep(100); // 200 events a second
                }
            }
            producer.flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
            return socket.getLocalPort();
        }
    }
}
