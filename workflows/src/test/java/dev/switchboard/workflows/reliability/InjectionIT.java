package dev.switchboard.workflows.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.workflows.runtime.Engine;
import dev.switchboard.workflows.testing.SharedKafka;
import dev.switchboard.workflows.testing.TaskReceiver;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Promise: event data is data. Events arrive over Kafka with headers named like the Camel headers
 * that steer components ({@code CamelExecCommandExecutable}, {@code cAmElBeanMethodName},
 * {@code CamelHttpUri}, {@code CamelFileName}, {@code kafka.OVERRIDE_TOPIC}, ...), and over the
 * engine's webhook with the same names as HTTP headers and query parameters; their text is full of
 * expression syntax ({@code ${...}}, {@code #{...}}, {@code {{...}}}, CEL, Freemarker, JNDI). The
 * tasks carry that text literally to the configured webhook and Camel Kafka sinks; no injected
 * name reaches a sink's request or record; no canary file is created, no command runs, the canary
 * URL hears nothing and the canary topic receives nothing.
 */
@ExtendWith(SharedKafka.class)
class InjectionIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET_ENV = "CANARY_SECRET";

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 3, unit = TimeUnit.MINUTES)
    void should_treat_headers_and_expressions_as_data_when_events_carry_them(SharedKafka.Bootstrap kafka) throws Exception {
        // given canaries: a file path, a command's file, a URL, a topic and a secret that must stay untouched
        String suffix = Scenario.suffix();
        String workflow = "inject-" + suffix;
        String topic = "inject.events." + suffix;
        String busTopic = "inject.bus." + suffix;
        String canaryTopic = "inject.canary." + suffix;
        Path canaryFile = Path.of(System.getProperty("java.io.tmpdir"), "canary-" + UUID.randomUUID());
        Path execFile = Path.of(System.getProperty("java.io.tmpdir"), "canary-exec-" + UUID.randomUUID());
        String secret = "canary-secret-" + UUID.randomUUID();
        String inboundToken = "inbound-" + UUID.randomUUID();
        try (TaskReceiver receiver = new TaskReceiver(); CanaryServer canary = new CanaryServer()) {
            int httpPort = Metrics.freePort();
            Map<String, String> injectedHeaders = new LinkedHashMap<>();
            injectedHeaders.put("CamelExecCommandExecutable", "touch");
            injectedHeaders.put("CamelExecCommandArgs", execFile.toString());
            injectedHeaders.put("cAmElBeanMethodName", "exec");
            injectedHeaders.put("CamelBeanMethodName", "exec");
            injectedHeaders.put("CamelHttpUri", canary.url("/header"));
            injectedHeaders.put("CamelHttpMethod", "DELETE");
            injectedHeaders.put("CamelFileName", canaryFile.toString());
            injectedHeaders.put("kafka.OVERRIDE_TOPIC", canaryTopic);
            injectedHeaders.put("CamelKafkaOverrideTopic", canaryTopic);
            List<String> payloads = List.of(
                    "${bean:java.lang.Runtime?method=getRuntime}",
                    "${exec:touch " + execFile + "}",
                    "${env:" + SECRET_ENV + "}",
                    "${sys:user.home} ${header.CamelFileName} ${body}",
                    "#{T(java.lang.Runtime).getRuntime().exec('touch " + execFile + "')}",
                    "{{ event.id }} {{ steps }} {{env:HOME}} {{ " + SECRET_ENV + " }}",
                    "event.data.priority == 'low' || true",
                    "size(event) > 0 ? event.data.body : ''",
                    "<#assign ex=\"freemarker.template.utility.Execute\"?new()>${ex(\"touch " + execFile + "\")}",
                    "#set($x = $class.inspect(\"java.lang.Runtime\")) $x",
                    "${jndi:ldap://" + canary.hostAndPort() + "/a}",
                    "%{(#_='multipart/form-data').(#cmd='touch " + execFile + "')}",
                    "file:" + canaryFile + " exec:touch?args=" + execFile + " " + canary.url("/payload"));
            String config = """
                    kafka:
                      bootstrap_servers: %s
                    topics:
                      tasks: inject.tasks.%s
                      dead_letter: inject.dlq.%s
                      deliveries: inject.deliveries.%s
                      review: inject.review.%s
                      audit: inject.audit.%s
                    sinks:
                      receiver:
                        webhook:
                          url: %s
                      bus:
                        camel:
                          uri: kafka:%s?brokers=%s
                    outbound:
                      allowed_hosts: [%s]
                      camel_schemes: [kafka]
                    sources:
                      inbound:
                        cloudevents:
                          path: /events
                          topic: %s
                          auth:
                            scheme: shared-secret
                            secret_env: INBOUND_TOKEN
                    http:
                      port: %d
                    admin:
                      port: -1
                    """.formatted(kafka.servers(), suffix, suffix, suffix, suffix, suffix, receiver.url(), busTopic, kafka.servers(),
                    receiver.hostAndPort(), topic, httpPort);
            String workflowYaml = """
                    name: %s
                    on:
                      topic: %s
                      types: [ticket.created]
                      filter: "event.data.priority != 'low'"
                      start: earliest
                    steps:
                      - id: to-webhook
                        task:
                          sink: receiver
                          title: "{{ event.data.subject }}"
                          body: "{{ event.data.body }}"
                      - id: to-bus
                        task:
                          sink: bus
                          title: "{{ event.data.subject }}"
                          body: "{{ event.data.body }}"
                    """.formatted(workflow, topic);
            try (Engine engine = Engines.start(dir, config, Map.of(SECRET_ENV, secret, "INBOUND_TOKEN", inboundToken),
                    Map.of("inject.yaml", workflowYaml));
                 KafkaProducer<byte[], byte[]> producer = TopicReader.producer(kafka.servers(), Map.of())) {
                // when every payload arrives over Kafka with the injected headers
                Map<String, String> sent = new LinkedHashMap<>();
                for (int i = 0; i < payloads.size(); i++) {
                    String id = "kafka-" + i;
                    ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, Scenario.bytes(id),
                            Scenario.bytes(Scenario.ticket("", 0, payloads.get(i), payloads.get((i + 1) % payloads.size()))
                                    .replace("\"id\":\"0\"", "\"id\":\"" + id + "\"")));
                    injectedHeaders.forEach((name, value) -> record.headers().add(name, Scenario.bytes(value)));
                    producer.send(record);
                    sent.put(id, payloads.get(i));
                }
                producer.flush();
                // and over the webhook, with the same names as HTTP headers and query parameters
                HttpClient http = HttpClient.newHttpClient();
                StringBuilder query = new StringBuilder();
                injectedHeaders.forEach((name, value) -> query.append(query.length() == 0 ? "?" : "&")
                        .append(URLEncoder.encode(name, StandardCharsets.UTF_8)).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8)));
                int accepted = 0;
                for (int i = 0; i < payloads.size(); i++) {
                    String id = "http-" + i;
                    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/events" + query))
                            .header("Content-Type", "application/cloudevents+json")
                            .header("Authorization", "Bearer " + inboundToken)
                            .POST(HttpRequest.BodyPublishers.ofString(Scenario.ticket("", 0, payloads.get(i), payloads.get((i + 2) % payloads.size()))
                                    .replace("\"id\":\"0\"", "\"id\":\"" + id + "\"")));
                    injectedHeaders.forEach(request::header);
                    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
                    assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);
                    accepted++;
                    sent.put(id, payloads.get(i));
                }
                int expected = sent.size();
                Engines.await(() -> receiver.taskCount() >= expected && TopicReader.readAll(kafka.servers(), busTopic).size() >= expected, 90);
                Thread.sleep(1_000);

                // then each task carries its text as it was sent, to the configured sinks only
                Map<String, String> titles = new LinkedHashMap<>();
                for (String body : receiver.tasks().values()) {
                    JsonNode task = JSON.readTree(body);
                    titles.put(task.path("eventId").asText(), task.path("title").asText());
                }
                assertThat(titles).containsExactlyInAnyOrderEntriesOf(sent);
                List<ConsumerRecord<byte[], byte[]>> bus = TopicReader.readAll(kafka.servers(), busTopic);
                Map<String, String> busTitles = new LinkedHashMap<>();
                Set<String> busHeaders = new HashSet<>();
                for (ConsumerRecord<byte[], byte[]> record : bus) {
                    JsonNode task = JSON.readTree(record.value());
                    busTitles.put(task.path("eventId").asText(), task.path("title").asText());
                    for (Header header : record.headers()) {
                        busHeaders.add(header.key().toLowerCase(Locale.ROOT));
                    }
                }
                assertThat(busTitles).containsExactlyInAnyOrderEntriesOf(sent);
                Set<String> taskHeaders = new HashSet<>();
                for (ConsumerRecord<byte[], byte[]> record : TopicReader.readAll(kafka.servers(), "inject.tasks." + suffix)) {
                    record.headers().forEach(header -> taskHeaders.add(header.key().toLowerCase(Locale.ROOT)));
                }
                Set<String> ingressHeaders = new HashSet<>();
                for (ConsumerRecord<byte[], byte[]> record : TopicReader.readAll(kafka.servers(), topic)) {
                    if (new String(record.key() == null ? new byte[0] : record.key(), StandardCharsets.UTF_8).startsWith("kafka-")) {
                        continue; // those carry the headers this test put there itself
                    }
                    record.headers().forEach(header -> ingressHeaders.add(header.key().toLowerCase(Locale.ROOT)));
                }
                List<String> injectedNames = injectedHeaders.keySet().stream().map(name -> name.toLowerCase(Locale.ROOT)).toList();
                List<String> outbound = new ArrayList<>();
                outbound.addAll(receiver.tasks().values());
                bus.forEach(record -> outbound.add(new String(record.value(), StandardCharsets.UTF_8)));
                boolean secretOut = outbound.stream().anyMatch(text -> text.contains(secret));
                boolean canaryTopicUsed = TopicReader.topics(kafka.servers()).contains(canaryTopic)
                        && !TopicReader.readAll(kafka.servers(), canaryTopic).isEmpty();
                new Books("injection", expected, receiver.taskCount(), receiver.duplicates(), 0, 0, expected - titles.size(),
                        payloads.size() + " payloads x (Kafka with " + injectedHeaders.size() + " injected headers, webhook with headers "
                                + "and query); canary file " + Files.exists(canaryFile) + ", exec file " + Files.exists(execFile)
                                + ", canary URL heard " + canary.heard().size() + ", canary topic used " + canaryTopicUsed
                                + ", secret in outbound " + secretOut).print();
                assertThat(receiver.headerNames()).doesNotContainAnyElementsOf(injectedNames);
                assertThat(busHeaders).doesNotContainAnyElementsOf(injectedNames);
                assertThat(taskHeaders).doesNotContainAnyElementsOf(injectedNames);
                assertThat(ingressHeaders).as("headers on events the webhook published").doesNotContainAnyElementsOf(injectedNames);
                assertThat(canaryFile).doesNotExist();
                assertThat(execFile).doesNotExist();
                assertThat(canary.heard()).isEmpty();
                assertThat(canaryTopicUsed).as("records in the canary topic").isFalse();
                assertThat(secretOut).as("secret in an outbound payload").isFalse();
                assertThat(accepted).isEqualTo(payloads.size());
            }
        }
    }
}
