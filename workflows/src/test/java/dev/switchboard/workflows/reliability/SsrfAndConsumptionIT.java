package dev.switchboard.workflows.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.switchboard.llm.sim.ModelSimulator;
import dev.switchboard.schemas.Problem;
import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.workflows.runtime.DeadLetters;
import dev.switchboard.workflows.runtime.Engine;
import dev.switchboard.workflows.testing.SharedKafka;
import dev.switchboard.workflows.testing.TaskReceiver;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Promises: Switchboard calls only what its configuration allows, and a flood of oversized events
 * cannot make it consume without bound.
 *
 * <p>SSRF: sink URLs at cloud metadata addresses (in every spelling), {@code file:}, other loopback
 * ports and the filesystem or shell Camel components are refused when the configuration loads; a
 * receiver that answers with redirects (to the canary, to 169.254.169.254, to {@code file:}) is not
 * followed, its tasks are dead-lettered with the reason; URLs in event data and templates are
 * carried as text and never called.
 *
 * <p>Consumption: oversized events are cut to the step's {@code max_input_chars} before any model
 * call, every call carries {@code max_tokens}, calls in flight stay within {@code max_concurrency}
 * and tokens within {@code tokens_per_minute} (what does not fit goes to review, not to the model),
 * CEL filters stop at their iteration budget on huge arrays (dead-lettered with the reason), and
 * the webhook listener refuses 5 MB bodies with 413 before reading them.
 */
@ExtendWith(SharedKafka.class)
class SsrfAndConsumptionIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void should_refuse_every_target_not_allowed_when_urls_point_at_metadata_files_or_other_ports(SharedKafka.Bootstrap kafka) throws Exception {
        try (TaskReceiver receiver = new TaskReceiver(); CanaryServer canary = new CanaryServer()) {
            // given sink targets an attacker would like, each with the configuration that tries to allow it
            Map<String, String> targets = new LinkedHashMap<>();
            Map<String, String> refusalReasons = new LinkedHashMap<>();
            target(targets, refusalReasons, "webhook: {url: \"http://169.254.169.254/latest/meta-data/\"}", "169.254.169.254", "Refused link-local, wildcard or multicast address");
            target(targets, refusalReasons, "webhook: {url: \"http://2852039166/latest/meta-data/\"}", "2852039166", "Refused link-local, wildcard or multicast address");
            target(targets, refusalReasons, "webhook: {url: \"http://[::ffff:169.254.169.254]/latest/\"}", "[::ffff:169.254.169.254]", "Refused link-local, wildcard or multicast address");
            target(targets, refusalReasons, "webhook: {url: \"http://[fd00:ec2::254]/latest/meta-data/\"}", "[fd00:ec2::254]", "Refused cloud metadata address");
            target(targets, refusalReasons, "webhook: {url: \"http://100.100.100.200/latest/meta-data/\"}", "100.100.100.200", "Refused cloud metadata address");
            target(targets, refusalReasons, "webhook: {url: \"http://0.0.0.0:" + port(receiver) + "/tasks\"}", "0.0.0.0:" + port(receiver), "Refused link-local, wildcard or multicast address");
            target(targets, refusalReasons, "webhook: {url: \"http://[fe80::1]/\"}", "[fe80::1]", "Refused link-local, wildcard or multicast address");
            target(targets, refusalReasons, "webhook: {url: \"file:///etc/passwd\"}", "etc", "Refused URL scheme 'file'");
            target(targets, refusalReasons, "webhook: {url: \"" + canary.url("/other-port") + "\"}", receiver.hostAndPort(), "is not in outbound.allowed_hosts");
            target(targets, refusalReasons, "webhook: {url: \"http://0251.0376.0251.0376/\"}", "0251.0376.0251.0376", "Refused URL without a host");
            target(targets, refusalReasons, "n8n: {url: \"http://169.254.169.254/webhook/x\"}", "169.254.169.254", "Refused link-local, wildcard or multicast address");
            target(targets, refusalReasons, "hubspot: {base_url: \"http://169.254.169.254\", token_env: T}", "169.254.169.254", "Refused link-local, wildcard or multicast address");
            target(targets, refusalReasons, "camel: {uri: \"file:/tmp/switchboard-canary\"}", "x", "Refused Camel scheme 'file'");
            target(targets, refusalReasons, "camel: {uri: \"exec:touch?args=/tmp/switchboard-canary\"}", "x", "Refused Camel scheme 'exec'");
            Map<String, String> refusals = new LinkedHashMap<>();
            for (Map.Entry<String, String> target : targets.entrySet()) {
                EngineConfigLoader.Result result = EngineConfigLoader.standard(name -> Optional.of("token")).parse("ssrf.yaml", """
                        kafka: {bootstrap_servers: "%s"}
                        sinks:
                          target:
                            %s
                        outbound:
                          allowed_hosts: ["%s"]
                          camel_schemes: [file, exec, kafka]
                        """.formatted(kafka.servers(), target.getKey(), target.getValue()), dir);
                refusals.put(target.getKey(), result.problems().stream().map(Problem::message).reduce("", (a, b) -> a + b));
            }
            System.out.println("[reliability]   refused sink targets: " + refusals.size() + " of " + targets.size());

            assertThat(refusals).allSatisfy((target, problems) -> assertThat(problems).as(target)
                    .startsWith("Refused ").contains(" at sinks.target.").contains(refusalReasons.get(target)));
            // a positive control: the same configuration with the receiver, allowed, loads without a problem
            EngineConfigLoader.Result allowed = EngineConfigLoader.standard(name -> Optional.of("token")).parse("ssrf.yaml", """
                    kafka: {bootstrap_servers: "%s"}
                    sinks:
                      target:
                        webhook: {url: "%s"}
                    outbound:
                      allowed_hosts: ["%s"]
                      camel_schemes: [file, exec, kafka]
                    """.formatted(kafka.servers(), receiver.url(), receiver.hostAndPort()), dir);
            assertThat(allowed.problems()).as("problems of an allowed receiver").isEmpty();

            // and, at run time, an allowed receiver that answers with redirects, and URLs in event data
            try (RedirectServer redirects = new RedirectServer(List.of(canary.url("/redirected"),
                    "http://169.254.169.254/latest/meta-data/", "file:///etc/passwd", canary.url("/again")))) {
                String suffix = Scenario.suffix();
                String topic = "ssrf.events." + suffix;
                String config = """
                        kafka:
                          bootstrap_servers: %s
                        topics:
                          tasks: ssrf.tasks.%s
                          dead_letter: ssrf.dlq.%s
                          deliveries: ssrf.deliveries.%s
                          review: ssrf.review.%s
                          audit: ssrf.audit.%s
                        sinks:
                          redirecting:
                            webhook:
                              url: %s
                          receiver:
                            webhook:
                              url: %s
                              body: '{"title": "{{ task.title }}", "link": "{{ task.fields.link }}", "id": "{{ task.id }}"}'
                        outbound:
                          allowed_hosts: [%s, %s]
                        http:
                          port: -1
                        delivery:
                          max_attempts: 3
                          initial_backoff_ms: 10
                        """.formatted(kafka.servers(), suffix, suffix, suffix, suffix, suffix, redirects.url(), receiver.url(),
                        redirects.hostAndPort(), receiver.hostAndPort());
                String workflow = """
                        name: ssrf-%s
                        on:
                          topic: %s
                          types: [ticket.created]
                          start: earliest
                        steps:
                          - id: to-redirecting
                            task:
                              sink: redirecting
                              title: "{{ event.data.subject }}"
                          - id: to-receiver
                            task:
                              sink: receiver
                              title: "{{ event.data.subject }}"
                              fields:
                                link: "{{ event.data.url }}"
                        """.formatted(suffix, topic);
                int events = 40;
                List<String> links = List.of(canary.url("/from-event"), "http://169.254.169.254/latest/meta-data/iam/",
                        "file:///etc/passwd", "http://[fd00:ec2::254]/latest/");
                try (Engine engine = Engines.start(dir, config, Map.of(), Map.of("ssrf.yaml", workflow));
                     KafkaProducer<byte[], byte[]> producer = TopicReader.producer(kafka.servers(), Map.of())) {
                    for (int i = 0; i < events; i++) {
                        String link = links.get(i % links.size());
                        producer.send(new ProducerRecord<>(topic, Scenario.bytes("k" + i), Scenario.bytes(Scenario.ticket("evt-", i, "See " + link, "b")
                                .replace("\"priority\":\"normal\"", "\"priority\":\"normal\",\"url\":" + Scenario.quote(link)))));
                    }
                    producer.flush();
                    Engines.await(() -> engine.counters().get("delivery").getOrDefault("delivered", 0L)
                            + engine.counters().get("delivery").getOrDefault("dead_letters", 0L) >= 2L * events, 90);
                    // the counter moves when a dead letter is handed to Kafka, before Kafka acknowledges it
                    Engines.await(() -> TopicReader.readAll(kafka.servers(), "ssrf.dlq." + suffix).size() >= events, 30);

                    // then the redirects were answered, not followed; the links arrived as text; the canary heard nothing
                    Map<String, Integer> reasons = new TreeMap<>();
                    int deadLettered = 0;
                    for (var record : TopicReader.readAll(kafka.servers(), "ssrf.dlq." + suffix)) {
                        String reason = DeadLetters.header(record.headers(), DeadLetters.REASON);
                        reasons.merge(reason.contains("Redirects are not followed") ? "redirect not followed" : reason, 1, Integer::sum);
                        deadLettered++;
                    }
                    List<String> received = new ArrayList<>();
                    for (String body : receiver.tasks().values()) {
                        received.add(JSON.readTree(body).path("link").asText());
                    }
                    new Books("ssrf", 2L * events, receiver.taskCount(), receiver.duplicates(), deadLettered, 0,
                            2L * events - receiver.taskCount() - deadLettered, targets.size() + " configured targets refused at load; "
                                    + "redirect answers " + redirects.answered() + ", dead letters " + reasons + ", canary heard "
                                    + canary.heard().size()).print();
                    assertThat(reasons).containsOnlyKeys("redirect not followed");
                    assertThat(deadLettered).isEqualTo(events);
                    assertThat(received).hasSize(events).allSatisfy(link -> assertThat(links).contains(link));
                    assertThat(canary.heard()).isEmpty();
                }
            }
        }
    }

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void should_hold_input_caps_and_budgets_when_flooded_with_oversized_events(SharedKafka.Bootstrap kafka) throws Exception {
        // given a slow model with a concurrency and token budget, a step with an input cap, and a filter over arrays
        int maxInputChars = 2_000;
        int maxTokens = 100;
        int tokensPerMinute = 12_000; // with -Dswitchboard.reliability.full=true only: its window is a whole minute
        int requestsPerMinute = 240;
        int maxConcurrency = 3;
        String suffix = Scenario.suffix();
        String topic = "flood.events." + suffix;
        String workflow = "flood-" + suffix;
        int httpPort = Metrics.freePort();
        double pricePerMillion = 1_000; // a premium model: about $0.64 a call at the input cap
        double dailyUsd = 9;
        try (TaskReceiver receiver = new TaskReceiver(); ModelSimulator model = ModelSimulator.start().latency(Duration.ofMillis(150));
             ModelSimulator cheap = ModelSimulator.start().latency(Duration.ofMillis(20))) {
            String config = """
                    kafka:
                      bootstrap_servers: %s
                    topics:
                      tasks: flood.tasks.%s
                      dead_letter: flood.dlq.%s
                      deliveries: flood.deliveries.%s
                      review: flood.review.%s
                      audit: flood.audit.%s
                    models:
                      sim: {provider: openai, base_url: "%s", model: sim, max_tokens: %d, timeout_seconds: 2, max_concurrency: %d, requests_per_minute: %d%s, retries: 0, input_price_per_million: %s, output_price_per_million: %s}
                      cheap: {provider: openai, base_url: "%s", model: cheap, max_tokens: %d, timeout_seconds: 2}
                    aliases:
                      thrifty: [sim]
                      frugal: [cheap]
                    sinks:
                      receiver:
                        webhook:
                          url: %s
                    outbound:
                      allowed_hosts: [%s]
                    sources:
                      inbound:
                        cloudevents:
                          path: /events
                          topic: %s
                          auth: {scheme: shared-secret, secret_env: INBOUND_TOKEN}
                    http:
                      port: %d
                    admin:
                      port: -1
                    """.formatted(kafka.servers(), suffix, suffix, suffix, suffix, suffix, model.baseUrl(), maxTokens, maxConcurrency,
                    requestsPerMinute, Scenario.FULL ? ", tokens_per_minute: " + tokensPerMinute : "", pricePerMillion, pricePerMillion,
                    cheap.baseUrl(), maxTokens, receiver.url(), receiver.hostAndPort(), topic, httpPort);
            String workflowYaml = """
                    name: %s
                    on:
                      topic: %s
                      types: [ticket.created]
                      filter: "[event.data].all(d, !has(d.extra) || d.extra.all(x, x >= 0))"
                      start: earliest
                    budget:
                      daily_usd: %s
                      on_exceed: fallback
                      fallback_model: frugal
                    steps:
                      - id: triage
                        classify:
                          input: "{{ event.data.body }}"
                          model: thrifty
                          cache: "off"
                          max_input_chars: %d
                          labels:
                            billing: Invoices and refunds
                            bug: Something is broken
                      - id: create-task
                        task:
                          sink: receiver
                          title: "[{{ steps.triage.label }}] {{ event.data.subject }}"
                    """.formatted(workflow, topic, dailyUsd, maxInputChars);
            long started = System.nanoTime();
            try (Engine engine = Engines.start(dir, config, Map.of("INBOUND_TOKEN", "flood-token"), Map.of("flood.yaml", workflowYaml));
                 KafkaProducer<byte[], byte[]> producer = TopicReader.producer(kafka.servers(), Map.of())) {
                // when oversized events flood in over Kafka: bodies at the schema's 100,000-character limit, half with huge arrays
                int events = Scenario.FULL ? 400 : 120;
                StringBuilder array = new StringBuilder("[");
                for (int i = 0; i < 80_000; i++) {
                    array.append(i == 0 ? "" : ",").append(i % 10);
                }
                String huge = array.append(']').toString();
                int withArrays = 0;
                for (int i = 0; i < events; i++) {
                    String body = ("Invoice " + i + " is wrong. ").repeat(6_000).substring(0, 100_000);
                    String event = Scenario.ticket("evt-", i, "Flood " + i, body);
                    if (i % 2 == 1) {
                        event = event.replace("\"priority\":\"normal\"", "\"priority\":\"normal\",\"extra\":" + huge);
                        withArrays++;
                    }
                    producer.send(new ProducerRecord<>(topic, Scenario.bytes("k" + i), Scenario.bytes(event)));
                }
                producer.flush();
                // and 5 MB bodies flood the webhook, all at once
                HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
                byte[] fiveMegabytes = new byte[5 * 1024 * 1024];
                java.util.Arrays.fill(fiveMegabytes, (byte) 'x');
                List<CompletableFuture<HttpResponse<Void>>> posts = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    posts.add(http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/events"))
                            .header("Content-Type", "application/cloudevents+json").header("Authorization", "Bearer flood-token")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(fiveMegabytes)).build(), HttpResponse.BodyHandlers.discarding()));
                }
                Map<Integer, Integer> ingressStatuses = new TreeMap<>();
                for (CompletableFuture<HttpResponse<Void>> post : posts) {
                    try {
                        ingressStatuses.merge(post.get(60, TimeUnit.SECONDS).statusCode(), 1, Integer::sum);
                    } catch (java.util.concurrent.ExecutionException refusedMidBody) {
                        ingressStatuses.merge(-1, 1, Integer::sum); // the server answered 413 and closed while the body was still going out
                    }
                }
                int expectedWithArrays = withArrays;
                Engines.await(() -> engine.counters().get("workflow." + workflow).getOrDefault("events", 0L) >= events, 120);
                long elapsedSeconds = Math.max(1, TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
                Engines.await(() -> receiver.taskCount() >= engine.counters().get("workflow." + workflow).getOrDefault("tasks", 0L), 30);

                // then every event is accounted for and no limit was exceeded
                Map<String, Integer> reasons = new TreeMap<>();
                int deadLettered = 0;
                for (var record : TopicReader.readAll(kafka.servers(), "flood.dlq." + suffix)) {
                    String reason = DeadLetters.header(record.headers(), DeadLetters.REASON);
                    reasons.merge(reason.contains("iterate at most") ? "CEL iteration budget" : reason, 1, Integer::sum);
                    deadLettered++;
                }
                int reviews = TopicReader.readAll(kafka.servers(), "flood.review." + suffix).size();
                int tasks = receiver.taskCount();
                int longestUser = java.util.stream.Stream.concat(model.requests().stream(), cheap.requests().stream())
                        .mapToInt(request -> request.user().length()).max().orElse(0);
                double premiumSpend = 0;
                double costliestCall = 0;
                for (ModelSimulator.Exchange exchange : model.exchanges()) {
                    double cost = (exchange.promptTokens() + exchange.completionTokens()) * pricePerMillion / 1_000_000;
                    premiumSpend += cost;
                    costliestCall = Math.max(costliestCall, cost);
                }
                long calls = model.requestCount();
                long windows = (elapsedSeconds + 59) / 60;
                long paced = requestsPerMinute * elapsedSeconds / 60 + 1;
                new Books("flood (caps, budgets)", events, tasks, receiver.duplicates(), deadLettered, reviews,
                        events - tasks - deadLettered - reviews, "model calls " + calls + " in " + elapsedSeconds + " s (requests_per_minute "
                                + requestsPerMinute + (Scenario.FULL ? ", tokens_per_minute " + tokensPerMinute : "") + "), in flight at most " + model.maxInFlight() + ", premium spend $" + String.format(Locale.ROOT, "%.4f", premiumSpend)
                                + " of a $" + dailyUsd + " budget, then " + cheap.requestCount() + " calls to the fallback, longest user message "
                                + longestUser + " chars for 100,000-character bodies, dead letters " + reasons + ", 5 MB posts answered "
                                + ingressStatuses).print();
                assertThat(tasks + deadLettered + reviews).isEqualTo(events);
                assertThat(reasons).containsOnlyKeys("CEL iteration budget");
                assertThat(deadLettered).isEqualTo(expectedWithArrays);
                assertThat(model.requests()).allSatisfy(request -> assertThat(request.maxTokens()).isEqualTo(maxTokens));
                assertThat(cheap.requests()).allSatisfy(request -> assertThat(request.maxTokens()).isEqualTo(maxTokens));
                assertThat(cheap.requestCount()).as("calls moved to the fallback once the budget was spent").isPositive();
                assertThat(premiumSpend).as("premium spend: the budget, plus at most the one call that crossed it")
                        .isLessThanOrEqualTo(dailyUsd + costliestCall);
                assertThat(longestUser).isLessThanOrEqualTo(maxInputChars + 100);
                assertThat(model.maxInFlight()).isLessThanOrEqualTo(maxConcurrency);
                assertThat(calls).as("calls admitted by requests_per_minute").isLessThanOrEqualTo(paced);
                if (Scenario.FULL) {
                    assertThat(calls * maxTokens).as("tokens admitted, counting max_tokens only").isLessThanOrEqualTo(tokensPerMinute * windows);
                }
                assertThat(ingressStatuses.keySet()).isSubsetOf(413, -1);
                assertThat(ingressStatuses).containsKey(413);
            }
        }
    }

    private static int port(TaskReceiver receiver) {
        return Integer.parseInt(receiver.hostAndPort().substring(receiver.hostAndPort().indexOf(':') + 1));
    }

    /** Answers every request with a redirect, cycling through 302, 307 and 308 and the locations given. */
    private static final class RedirectServer implements AutoCloseable {
        private final HttpServer server;
        private final AtomicInteger answered = new AtomicInteger();

        RedirectServer(List<String> locations) throws java.io.IOException {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            int[] statuses = {302, 307, 308, 301};
            server.createContext("/", exchange -> {
                int n = answered.getAndIncrement();
                exchange.getRequestBody().readAllBytes();
                exchange.getResponseHeaders().add("Location", locations.get(n % locations.size()));
                exchange.sendResponseHeaders(statuses[n % statuses.length], -1);
                exchange.close();
            });
            server.start();
        }

        String url() {
            return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
        }

        String hostAndPort() {
            return "127.0.0.1:" + server.getAddress().getPort();
        }

        int answered() {
            return answered.get();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }

    /** A sink target, the host the configuration tries to allow for it, and what its refusal must say. */
    private static void target(Map<String, String> targets, Map<String, String> reasons, String sink, String allowedHost, String reason) {
        targets.put(sink, allowedHost);
        reasons.put(sink, reason);
    }
}
