package dev.switchboard.workflows.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.workflows.runtime.Engine;
import dev.switchboard.workflows.testing.SharedKafka;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A thousand slow clients against the engine's listeners: half send a webhook's headers and hold back
 * its body, half send headers a byte at a time. Meanwhile signed webhooks on the same public listener
 * and {@code /health/live} on the admin listener must each answer within a second, every accepted
 * webhook's event must reach Kafka, and the timeouts must close every slow connection. (Before the
 * listeners were rebuilt on Vert.x, 40 such connections stalled everything, health included.)
 */
@ExtendWith(SharedKafka.class)
class SlowClientsIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final int WANTED = 1000;
    private static final int ON_ADMIN = 100;
    private static final Duration TIMEOUT = Duration.ofSeconds(4);
    private static final Duration ANSWER_WITHIN = Duration.ofSeconds(1);
    /** Probes are paced, not a flood: the point is that ordinary traffic gets through. */
    private static final Duration PROBE_EVERY = Duration.ofMillis(50);
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(ANSWER_WITHIN).build();

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void should_answer_webhooks_and_health_within_a_second_when_a_thousand_clients_hold_connections(SharedKafka.Bootstrap kafka)
            throws Exception {
        // given an engine with a signed webhook source, and short timeouts so the test sees them fire
        String suffix = Scenario.suffix();
        String topic = "slow.events." + suffix;
        Files.writeString(dir.resolve("events.secret"), SECRET + "\n");
        EngineConfigLoader.Result loaded = EngineConfigLoader.standard().parse("slow-clients.yaml", """
                kafka:
                  bootstrap_servers: %s
                topics:
                  tasks: slow.tasks.%s
                  dead_letter: slow.dlq.%s
                http:
                  port: 0
                  header_timeout_seconds: %d
                  body_timeout_seconds: %d
                admin:
                  port: 0
                  header_timeout_seconds: %d
                  body_timeout_seconds: %d
                sources:
                  events:
                    cloudevents: {topic: %s, auth: {secret_file: events.secret}}
                """.formatted(kafka.servers(), suffix, suffix, TIMEOUT.toSeconds(), TIMEOUT.toSeconds(), TIMEOUT.toSeconds(),
                TIMEOUT.toSeconds(), topic), dir);
        assertThat(loaded.problems()).isEmpty();
        int slow = affordableConnections();
        List<Long> webhookMillis = new ArrayList<>();
        List<Long> liveMillis = new ArrayList<>();
        Set<String> accepted = new HashSet<>();
        ExecutorService holder = Executors.newFixedThreadPool(2);
        try (Engine engine = Engine.builder(loaded.config()).build()) {
            engine.start(List.of());
            String publicBase = "http://127.0.0.1:" + engine.httpPort();
            String adminBase = "http://127.0.0.1:" + engine.adminPort();
            // the first publish waits for the new topic's metadata; a few more warm the path up
            for (int i = 0; i < 5; i++) {
                assertThat(post(publicBase, "warm-up-" + suffix + "-" + i, Duration.ofSeconds(30)).statusCode()).isEqualTo(202);
                accepted.add("warm-up-" + suffix + "-" + i);
            }

            // when the slow clients connect and hold on
            Instant openedAt = Instant.now();
            try (SlowClients onPublic = SlowClients.open(engine.httpPort(), "/events", slow);
                 SlowClients onAdmin = SlowClients.open(engine.adminPort(), "/admin/workflows", ON_ADMIN)) {
                // held from the moment the engine has accepted them all
                await().atMost(Duration.ofSeconds(30)).until(() -> connections(engine, "http") >= slow && connections(engine, "admin") >= ON_ADMIN);
                Instant heldFrom = Instant.now();
                Future<Boolean> publicClosed = holder.submit(() -> onPublic.holdUntilClosed(Duration.ofSeconds(60)));
                Future<Boolean> adminClosed = holder.submit(() -> onAdmin.holdUntilClosed(Duration.ofSeconds(60)));
                int whileAllHeld = 0;
                for (int i = 0; !publicClosed.isDone() || !adminClosed.isDone(); i++) {
                    // then every signed webhook and every liveness probe answers within a second
                    long start = System.nanoTime();
                    String id = "slow-" + suffix + "-" + i;
                    HttpResponse<String> webhook = post(publicBase, id, ANSWER_WITHIN);
                    webhookMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
                    assertThat(webhook.statusCode()).as("webhook %d: %s", i, webhook.body()).isEqualTo(202);
                    accepted.add(id);
                    long liveStart = System.nanoTime();
                    HttpResponse<String> live = HTTP.send(HttpRequest.newBuilder(URI.create(adminBase + "/health/live"))
                            .timeout(ANSWER_WITHIN).build(), HttpResponse.BodyHandlers.ofString());
                    liveMillis.add(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - liveStart));
                    assertThat(live.statusCode()).isEqualTo(200);
                    // the timers start when a connection is accepted, after openedAt: none can have fired before this
                    if (Instant.now().isBefore(openedAt.plus(TIMEOUT).minusMillis(500))) {
                        whileAllHeld++;
                    }
                    Thread.sleep(PROBE_EVERY.toMillis());
                }

                // and the timeouts closed every slow connection, none held much past its timeout
                assertThat(publicClosed.get()).as("all %d slow connections on the public listener closed", slow).isTrue();
                assertThat(adminClosed.get()).as("all %d slow connections on the admin listener closed", ON_ADMIN).isTrue();
                assertThat(whileAllHeld).as("probes answered while every slow connection was still held").isGreaterThanOrEqualTo(5);
                Duration longest = onPublic.longestHeld().compareTo(onAdmin.longestHeld()) > 0 ? onPublic.longestHeld() : onAdmin.longestHeld();
                assertThat(longest).isLessThan(TIMEOUT.plusSeconds(3));
                String metrics = HTTP.send(HttpRequest.newBuilder(URI.create(adminBase + "/metrics")).build(),
                        HttpResponse.BodyHandlers.ofString()).body();
                assertThat(Metrics.sum(metrics, "switchboard_http_refused_total", "listener=\"http\"", "reason=\"body_timeout\""))
                        .isGreaterThanOrEqualTo(slow / 2);
                assertThat(Metrics.sum(metrics, "switchboard_http_refused_total", "listener=\"http\"", "reason=\"header_timeout\""))
                        .isGreaterThanOrEqualTo(slow / 2);
                assertThat(Metrics.sum(metrics, "switchboard_http_refused_total", "listener=\"admin\"")).isGreaterThanOrEqualTo(ON_ADMIN);

                // and every accepted webhook's event is on the topic
                Set<String> onTopic = eventIds(kafka.servers(), topic, accepted.size());
                long lost = accepted.stream().filter(id -> !onTopic.contains(id)).count();
                new Books("slow clients", accepted.size(), accepted.size() - lost, 0, 0, 0, lost, String.format(
                        "%d slow connections on the webhook listener and %d on the admin one, all closed by the %d s timeouts after at most %.1f s; "
                                + "slowest webhook %d ms, slowest /health/live %d ms; %d probes while every slow connection was held; opened in %d ms",
                        slow, ON_ADMIN, TIMEOUT.toSeconds(), longest.toMillis() / 1000.0, max(webhookMillis), max(liveMillis), whileAllHeld,
                        Duration.between(openedAt, heldFrom).toMillis())).print();
                assertThat(lost).isZero();
                assertThat(max(webhookMillis)).as("webhook answers in ms: %s", webhookMillis).isLessThan(ANSWER_WITHIN.toMillis());
                assertThat(max(liveMillis)).as("/health/live answers in ms: %s", liveMillis).isLessThan(ANSWER_WITHIN.toMillis());
            }
        } finally {
            holder.shutdownNow();
        }
    }

    /** As many slow connections as the process may open (each takes a descriptor here and one in the engine), at most 1,000. */
    private static int affordableConnections() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
            long spare = unix.getMaxFileDescriptorCount() - unix.getOpenFileDescriptorCount() - 2 * ON_ADMIN - 1000;
            int affordable = (int) Math.min(WANTED, spare / 2);
            assertThat(affordable).as("file descriptors for slow connections (ulimit -n is %d)", unix.getMaxFileDescriptorCount())
                    .isGreaterThanOrEqualTo(200);
            return affordable;
        }
        return WANTED;
    }

    private static double connections(Engine engine, String listener) {
        return engine.metrics().registry().get("switchboard.http.connections").tag("listener", listener).gauge().value();
    }

    private static long max(List<Long> values) {
        return values.stream().mapToLong(Long::longValue).max().orElse(0);
    }

    private static HttpResponse<String> post(String base, String id, Duration timeout) throws Exception {
        byte[] body = ("{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/slow\",\"type\":\"ticket.created\",\"subject\":\"T-" + id
                + "\",\"data\":{\"ticket_id\":\"T-" + id + "\",\"subject\":\"Refund\",\"body\":\"Please refund\"}}").getBytes(StandardCharsets.UTF_8);
        long now = Instant.now().getEpochSecond();
        String messageId = "msg_" + id;
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(SECRET.substring("whsec_".length())), "HmacSHA256"));
        mac.update((messageId + "." + now + ".").getBytes(StandardCharsets.UTF_8));
        String signature = "v1," + Base64.getEncoder().encodeToString(mac.doFinal(body));
        return HTTP.send(HttpRequest.newBuilder(URI.create(base + "/events")).timeout(timeout)
                .header("Content-Type", "application/cloudevents+json")
                .header("webhook-id", messageId).header("webhook-timestamp", Long.toString(now)).header("webhook-signature", signature)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The CloudEvent ids on the topic, once at least {@code expected} are there (or after a minute). */
    private static Set<String> eventIds(String servers, String topic, int expected) {
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, "slow-clients-" + Scenario.suffix());
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        Set<String> ids = new HashSet<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(properties, new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                consumer.poll(Duration.ofMillis(200)).forEach(record -> {
                    try {
                        ids.add(JSON.readTree(record.value()).path("id").asText());
                    } catch (java.io.IOException e) {
                        ids.add("unreadable");
                    }
                });
                return ids.size() >= expected;
            });
        } catch (org.awaitility.core.ConditionTimeoutException missing) {
            // the books below count what is missing
        }
        return ids;
    }
}
