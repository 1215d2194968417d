package dev.switchboard.workflows.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.schemas.Task;
import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.workflows.model.WorkflowLoader;
import dev.switchboard.workflows.testing.SharedKafka;
import dev.switchboard.workflows.testing.TaskReceiver;
import dev.switchboard.workflows.testing.TopicRecords;
import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.message.Encoding;
import io.cloudevents.kafka.CloudEventSerializer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 18: events in the CloudEvents Kafka binding's binary mode (attributes in {@code ce_} headers,
 * the data as the value), as the CloudEvents Java SDK's Kafka serializer writes them, are read like
 * structured ones: the same checks, and a bad one dead-lettered with the same reason.
 */
@ExtendWith(SharedKafka.class)
class CloudEventsKafkaModesIT {

    private static final String BAD_DATA = "{\"ticket_id\":\"7\",\"subject\":\"no body\"}";

    @TempDir
    Path dir;

    @Test
    void should_process_binary_mode_events_like_structured_ones_when_the_sdk_writes_them(SharedKafka.Bootstrap kafka) throws Exception {
        // given a workflow on a topic, and the SDK's serializer in binary mode
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String topic = "modes.events." + suffix;
        KafkaTopics.create(kafka.servers(), Map.of(), Set.of(topic), 3, (short) 1);
        try (TaskReceiver receiver = new TaskReceiver(); Engine engine = start(kafka.servers(), suffix, topic, receiver);
             KafkaProducer<String, CloudEvent> sdk = sdkProducer(kafka.servers());
             KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.servers()),
                     new ByteArraySerializer(), new ByteArraySerializer())) {
            // when a valid and an invalid event arrive in binary mode, and the same invalid one in structured mode
            sdk.send(new ProducerRecord<>(topic, "c-1", ticket("bin-ok", "{\"ticket_id\":\"1\",\"subject\":\"Refund\",\"body\":\"Please\"}"))).get();
            sdk.send(new ProducerRecord<>(topic, "c-2", ticket("bin-bad", BAD_DATA))).get();
            raw.send(new ProducerRecord<>(topic, "c-3".getBytes(StandardCharsets.UTF_8), ("{\"specversion\":\"1.0\",\"id\":\"str-bad\",\"source\":\"/it\","
                    + "\"type\":\"ticket.created\",\"data\":" + BAD_DATA + "}").getBytes(StandardCharsets.UTF_8))).get();

            // then the valid one becomes a task, with its data read from the value
            String task = Task.idFor("modes-" + suffix, "/it/sdk", "bin-ok", "create-task");
            await().atMost(Duration.ofSeconds(60)).until(() -> receiver.tasks().containsKey(task));
            assertThat(receiver.tasks().get(task)).contains("\"title\":\"Refund\"");

            // and both invalid ones are dead-lettered with one and the same reason
            await().atMost(Duration.ofSeconds(60)).until(() -> TopicRecords.all(kafka.servers(), "modes.dlq." + suffix).size() == 2);
            List<String> reasons = TopicRecords.all(kafka.servers(), "modes.dlq." + suffix).stream()
                    .map((ConsumerRecord<byte[], byte[]> record) -> DeadLetters.header(record.headers(), DeadLetters.REASON)).toList();
            assertThat(reasons).hasSize(2).allSatisfy(reason -> assertThat(reason).startsWith("Event data does not match ticket.created.schema.json"));
            assertThat(reasons.get(0)).isEqualTo(reasons.get(1));
        }
    }

    @Test
    void should_write_binary_mode_events_and_read_them_back_when_the_configuration_asks_for_binary(SharedKafka.Bootstrap kafka)
            throws Exception {
        // given an engine whose sources write binary mode, with a CloudEvents webhook in front of the workflow's topic
        String suffix = UUID.randomUUID().toString().substring(0, 8);
        String topic = "modes.binary." + suffix;
        KafkaTopics.create(kafka.servers(), Map.of(), Set.of(topic), 3, (short) 1);
        Files.writeString(dir.resolve("events.secret"), "s3cret-token-for-the-binary-mode-test");
        String extra = """
                sources:
                  inbound:
                    cloudevents: {topic: %s, auth: {scheme: shared-secret, secret_file: events.secret}}
                """.formatted(topic);
        try (TaskReceiver receiver = new TaskReceiver(); Engine engine = start(kafka.servers(), suffix, topic, receiver, extra)) {
            // when an event arrives over HTTP
            HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + engine.httpPort() + "/events"))
                    .header("Content-Type", "application/cloudevents+json")
                    .header("Authorization", "Bearer s3cret-token-for-the-binary-mode-test")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"specversion\":\"1.0\",\"id\":\"http-1\",\"source\":\"/it/http\","
                            + "\"type\":\"ticket.created\",\"subject\":\"t-1\",\"data\":{\"ticket_id\":\"1\",\"subject\":\"Binary\",\"body\":\"B\"}}"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isBetween(200, 299);

            // then the record on the topic is in binary mode: attributes in ce_ headers, the data alone as the value
            ConsumerRecord<byte[], byte[]> record = TopicRecords.all(kafka.servers(), topic).get(0);
            assertThat(header(record, "ce_id")).isEqualTo("http-1");
            assertThat(header(record, "ce_specversion")).isEqualTo("1.0");
            assertThat(header(record, "ce_type")).isEqualTo("ticket.created");
            assertThat(header(record, "content-type")).isEqualTo("application/json");
            assertThat(new String(record.value(), StandardCharsets.UTF_8)).startsWith("{\"ticket_id\":\"1\"");

            // and the workflow reads it like any other event
            String task = Task.idFor("modes-" + suffix, "/it/http", "http-1", "create-task");
            await().atMost(Duration.ofSeconds(60)).until(() -> receiver.tasks().containsKey(task));
            assertThat(receiver.tasks().get(task)).contains("\"title\":\"Binary\"");
        }
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        return record.headers().lastHeader(name) == null ? null : new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }

    private static CloudEvent ticket(String id, String data) {
        return CloudEventBuilder.v1().withId(id).withSource(URI.create("/it/sdk")).withType("ticket.created").withSubject(id)
                .withDataContentType("application/json").withData(data.getBytes(StandardCharsets.UTF_8)).build();
    }

    private static KafkaProducer<String, CloudEvent> sdkProducer(String servers) {
        Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, servers);
        properties.put(CloudEventSerializer.ENCODING_CONFIG, Encoding.BINARY);
        return new KafkaProducer<>(properties, new StringSerializer(), new CloudEventSerializer());
    }

    private Engine start(String servers, String suffix, String topic, TaskReceiver receiver) throws Exception {
        return start(servers, suffix, topic, receiver, "");
    }

    private Engine start(String servers, String suffix, String topic, TaskReceiver receiver, String extra) throws Exception {
        String config = """
                kafka:
                  cloudevents_mode: %s
                  bootstrap_servers: %s
                topics:
                  tasks: modes.tasks.%s
                  dead_letter: modes.dlq.%s
                  deliveries: modes.deliveries.%s
                sinks:
                  receiver:
                    webhook:
                      url: %s
                outbound:
                  allowed_hosts: [%s]
                http:
                  port: %s
                admin:
                  port: -1
                """.formatted(extra.isEmpty() ? "structured" : "binary", servers, suffix, suffix, suffix, receiver.url(), receiver.hostAndPort(),
                extra.isEmpty() ? "-1" : "0")
                + extra;
        Files.writeString(dir.resolve("wf.yaml"), """
                name: modes-%s
                on:
                  topic: %s
                  types: [ticket.created]
                  start: earliest
                steps:
                  - id: create-task
                    task:
                      sink: receiver
                      title: "{{ event.data.subject }}"
                """.formatted(suffix, topic));
        EngineConfigLoader.Result loaded = EngineConfigLoader.standard().parse("switchboard.yaml", config, dir);
        assertThat(loaded.problems()).isEmpty();
        Engine engine = Engine.builder(loaded.config()).build();
        WorkflowLoader.Result workflow = engine.loader().load(dir.resolve("wf.yaml"));
        assertThat(workflow.problems()).isEmpty();
        engine.start(List.of(workflow.workflow()));
        return engine;
    }
}
