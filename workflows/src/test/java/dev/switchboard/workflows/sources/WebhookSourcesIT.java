package dev.switchboard.workflows.sources;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.workflows.config.EngineConfigLoader;
import dev.switchboard.workflows.runtime.Engine;
import dev.switchboard.workflows.testing.SharedKafka;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every webhook source over real HTTP on 127.0.0.1 into the embedded Kafka broker: the vendor's
 * documented payload, signed as the vendor signs it, arrives on the topic as the expected CloudEvent;
 * the authentication matrix answers case by case and refused requests publish nothing.
 */
@ExtendWith(SharedKafka.class)
class WebhookSourcesIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration PATIENCE = Duration.ofSeconds(60);
    private static final Path FIXTURES = Path.of("../connectors/src/test/resources/webhooks");
    private static final String SIGNING = "zendesk-signing-secret";
    private static final String GITHUB = "github-webhook-secret";
    private static final String TOKEN = "freshdesk-bearer-token";
    private static final String WHSEC = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final String PASSWORD = "sendgrid-basic-password";
    private static final String MAILGUN = "mailgun-signing-key";
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path dir;

    private static Engine engine;
    private static String topic;
    private static KafkaConsumer<String, byte[]> consumer;
    private static final Map<String, ConsumerRecord<String, byte[]>> received = new ConcurrentHashMap<>();

    @BeforeAll
    static void startEngine(SharedKafka.Bootstrap kafka) throws IOException {
        topic = "it.sources." + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> secrets = Map.of("zendesk.secret", SIGNING, "github.secret", GITHUB, "freshdesk.secret", TOKEN,
                "events.secret", WHSEC, "sendgrid.secret", PASSWORD, "mailgun.secret", MAILGUN);
        for (Map.Entry<String, String> secret : secrets.entrySet()) {
            Files.writeString(dir.resolve(secret.getKey()), secret.getValue() + "\n");
        }
        String config = """
                kafka:
                  bootstrap_servers: %s
                http:
                  port: 0
                sources:
                  zendesk-tickets:
                    zendesk: { topic: %s, auth: { secret_file: zendesk.secret } }
                  github-issues:
                    github-issues: { topic: %s, auth: { secret_file: github.secret } }
                  freshdesk-tickets:
                    freshdesk: { topic: %s, auth: { scheme: shared-secret, secret_file: freshdesk.secret } }
                  jira-requests:
                    jira-sm: { topic: %s, auth: { secret_file: events.secret } }
                  http-events:
                    cloudevents: { topic: %s, max_body_bytes: 4096, auth: { secret_file: events.secret } }
                  binary-events:
                    cloudevents: { path: /binary-events, topic: %s, auth: { scheme: shared-secret, secret_file: freshdesk.secret } }
                  support-inbox:
                    sendgrid-inbound: { topic: %s, auth: { username: sendgrid, secret_file: sendgrid.secret } }
                  mailgun-inbox:
                    mailgun-inbound: { topic: %s, auth: { secret_file: mailgun.secret } }
                """.formatted(kafka.servers(), topic, topic, topic, topic, topic, topic, topic, topic);
        EngineConfigLoader.Result loaded = EngineConfigLoader.standard().parse("sources-it.yaml", config, dir);
        assertThat(loaded.problems()).isEmpty();
        engine = Engine.builder(loaded.config()).build();
        engine.start(List.of());
        Properties properties = new Properties();
        properties.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.servers());
        properties.put(ConsumerConfig.GROUP_ID_CONFIG, "it-sources-" + UUID.randomUUID());
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumer = new KafkaConsumer<>(properties, new StringDeserializer(), new ByteArrayDeserializer());
        consumer.subscribe(List.of(topic));
    }

    @AfterAll
    static void stopEngine() {
        if (consumer != null) {
            consumer.close();
        }
        if (engine != null) {
            engine.close();
        }
    }

    /** The record of the event with that id, once it is on the topic. */
    private static synchronized ConsumerRecord<String, byte[]> awaitEvent(String id) {
        await().atMost(PATIENCE).until(() -> {
            consumer.poll(Duration.ofMillis(200)).forEach(record -> received.put(eventId(record), record));
            return received.containsKey(id);
        });
        return received.get(id);
    }

    /** Every event id that reached the topic so far (after letting the consumer catch up). */
    private static synchronized java.util.Set<String> allEventIds() {
        for (int i = 0; i < 10; i++) {
            consumer.poll(Duration.ofMillis(300)).forEach(record -> received.put(eventId(record), record));
        }
        return received.keySet();
    }

    private static String eventId(ConsumerRecord<String, byte[]> record) {
        try {
            return JSON.readTree(record.value()).path("id").asText();
        } catch (IOException e) {
            return "unreadable";
        }
    }

    private static JsonNode json(ConsumerRecord<String, byte[]> record) throws IOException {
        return JSON.readTree(record.value());
    }

    private static HttpResponse<String> post(String path, String contentType, byte[] body, Map<String, String> headers) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + engine.httpPort() + path))
                .timeout(Duration.ofSeconds(20))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static byte[] fixture(String name) throws IOException {
        return Files.readAllBytes(FIXTURES.resolve(name));
    }

    private static byte[] hmac(byte[] key, byte[]... parts) throws GeneralSecurityException {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        for (byte[] part : parts) {
            mac.update(part);
        }
        return mac.doFinal();
    }

    private static Map<String, String> standardWebhooks(String id, long timestamp, byte[] body) throws GeneralSecurityException {
        byte[] key = Base64.getDecoder().decode(WHSEC.substring("whsec_".length()));
        String signature = "v1," + Base64.getEncoder().encodeToString(hmac(key, (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8), body));
        return Map.of("webhook-id", id, "webhook-timestamp", Long.toString(timestamp), "webhook-signature", signature);
    }

    @Test
    void should_publish_ticket_created_when_zendesk_posts_a_signed_ticket_event() throws Exception {
        // given
        byte[] body = fixture("zendesk/ticket-created-event.json");
        String timestamp = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        String signature = Base64.getEncoder().encodeToString(hmac(SIGNING.getBytes(StandardCharsets.UTF_8),
                timestamp.getBytes(StandardCharsets.UTF_8), body));

        // when
        HttpResponse<String> response = post("/webhooks/zendesk", "application/json", body, Map.of(
                "X-Zendesk-Webhook-Signature-Timestamp", timestamp, "X-Zendesk-Webhook-Signature", signature));

        // then
        assertThat(response.statusCode()).isEqualTo(202);
        ConsumerRecord<String, byte[]> record = awaitEvent("zendesk-01HTZ6Q0V7C4M9K2R5X8B3N1JD");
        JsonNode event = json(record);
        assertThat(record.key()).isEqualTo("35436");
        assertThat(event.path("specversion").asText()).isEqualTo("1.0");
        assertThat(event.path("type").asText()).isEqualTo("ticket.created");
        assertThat(event.path("source").asText()).isEqualTo("/helpdesk/zendesk");
        assertThat(event.path("subject").asText()).isEqualTo("35436");
        assertThat(event.path("data").path("priority").asText()).isEqualTo("high");
        assertThat(event.path("data").path("subject").asText()).isEqualTo("Charged twice for March");
    }

    @Test
    void should_publish_ticket_created_when_github_posts_a_signed_issues_opened_delivery() throws Exception {
        // given
        byte[] body = fixture("github/issues-opened.json");
        String signature = "sha256=" + HexFormat.of().formatHex(hmac(GITHUB.getBytes(StandardCharsets.UTF_8), body));

        // when
        HttpResponse<String> response = post("/webhooks/github", "application/json", body, Map.of(
                "X-GitHub-Event", "issues", "X-GitHub-Delivery", UUID.randomUUID().toString(), "X-Hub-Signature-256", signature));

        // then
        assertThat(response.statusCode()).isEqualTo(202);
        String id = JSON.readTree(response.body()).path("ids").get(0).asText();
        ConsumerRecord<String, byte[]> record = awaitEvent(id);
        assertThat(record.key()).isEqualTo("example-org/widgets#1347");
        assertThat(json(record).path("data").path("url").asText()).isEqualTo("https://github.com/example-org/widgets/issues/1347");
    }

    @Test
    void should_publish_ticket_created_when_freshdesk_posts_with_its_bearer_token() throws Exception {
        // when
        HttpResponse<String> response = post("/webhooks/freshdesk?event=created", "application/json",
                fixture("freshdesk/simple-ticket-created.json"), Map.of("Authorization", "Bearer " + TOKEN));

        // then
        assertThat(response.statusCode()).isEqualTo(202);
        JsonNode event = json(awaitEvent(JSON.readTree(response.body()).path("ids").get(0).asText()));
        assertThat(event.path("source").asText()).isEqualTo("/helpdesk/freshdesk");
        assertThat(event.path("data").path("requester").path("email").asText()).isEqualTo("jonas.becker@example.de");
    }

    @Test
    void should_publish_ticket_updated_when_jira_posts_through_a_standard_webhooks_relay() throws Exception {
        // given
        byte[] body = fixture("jira/issue-updated-adf.json");

        // when
        HttpResponse<String> response = post("/webhooks/jira", "application/json", body,
                standardWebhooks("msg_jira_" + UUID.randomUUID(), Instant.now().getEpochSecond(), body));

        // then
        assertThat(response.statusCode()).isEqualTo(202);
        JsonNode event = json(awaitEvent(JSON.readTree(response.body()).path("ids").get(0).asText()));
        assertThat(event.path("type").asText()).isEqualTo("ticket.updated");
        assertThat(event.path("data").path("ticket_id").asText()).isEqualTo("SUP-42");
    }

    @Test
    void should_publish_email_received_when_sendgrid_posts_a_multipart_message() throws Exception {
        // given
        String boundary = "xYzZY" + UUID.randomUUID().toString().replace("-", "");
        String body = part(boundary, "from", "Erik Lind <erik.lind@example.com>")
                + part(boundary, "to", "support@inbound.example.net")
                + part(boundary, "subject", "Refund for order 5521")
                + part(boundary, "html", "<p>The refund <b>has not</b> arrived.</p>")
                + part(boundary, "headers", "Message-ID: <it-" + boundary + "@mail.example.com>\r\nSubject: Refund for order 5521\r\n")
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"attachment1\"; filename=\"receipt.pdf\"\r\n"
                + "Content-Type: application/pdf\r\n\r\n%PDF-1.4 fictional\r\n--" + boundary + "--\r\n";
        String basic = "Basic " + Base64.getEncoder().encodeToString(("sendgrid:" + PASSWORD).getBytes(StandardCharsets.UTF_8));

        // when
        HttpResponse<String> response = post("/webhooks/sendgrid/inbound", "multipart/form-data; boundary=" + boundary,
                body.getBytes(StandardCharsets.UTF_8), Map.of("Authorization", basic));

        // then
        assertThat(response.statusCode()).isEqualTo(202);
        ConsumerRecord<String, byte[]> record = awaitEvent(JSON.readTree(response.body()).path("ids").get(0).asText());
        JsonNode data = json(record).path("data");
        assertThat(record.key()).isEqualTo("<it-" + boundary + "@mail.example.com>");
        assertThat(data.path("text").asText()).isEqualTo("The refund has not arrived.");
        // the 18 bytes are no PDF: the attachment is described, with why its text could not be read, and the email goes on
        JsonNode attachment = data.path("attachments").get(0);
        assertThat(data.path("attachments")).hasSize(1);
        assertThat(attachment.path("name").asText()).isEqualTo("receipt.pdf");
        assertThat(attachment.path("content_type").asText()).isEqualTo("application/pdf");
        assertThat(attachment.path("size").asInt()).isEqualTo(18);
        assertThat(attachment.path("extraction").asText()).isEqualTo("unreadable");
        assertThat(attachment.path("reason").asText()).startsWith("The PDF cannot be parsed");
    }

    @Test
    void should_publish_email_received_when_a_mailgun_route_posts_a_signed_form() throws Exception {
        // given
        String timestamp = Long.toString(Instant.now().getEpochSecond());
        String token = UUID.randomUUID().toString().replace("-", "");
        String signature = HexFormat.of().formatHex(hmac(MAILGUN.getBytes(StandardCharsets.UTF_8), (timestamp + token).getBytes(StandardCharsets.UTF_8)));
        String form = "timestamp=" + timestamp + "&token=" + token + "&signature=" + signature
                + "&sender=mei.chen%40example.com&recipient=support%40mg.example.net&subject=Sync+stopped"
                + "&body-plain=The+calendar+sync+stopped.&Message-Id=%3Cmg-" + token + "%40mail.example.com%3E";

        // when
        HttpResponse<String> response = post("/webhooks/mailgun/inbound", "application/x-www-form-urlencoded",
                form.getBytes(StandardCharsets.US_ASCII), Map.of());

        // then
        assertThat(response.statusCode()).isEqualTo(202);
        JsonNode data = json(awaitEvent(JSON.readTree(response.body()).path("ids").get(0).asText())).path("data");
        assertThat(data.path("from").asText()).isEqualTo("mei.chen@example.com");
        assertThat(data.path("text").asText()).isEqualTo("The calendar sync stopped.");
    }

    private static String part(String boundary, String name, String value) {
        return "--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n";
    }

    private static byte[] cloudEvent(String id) {
        return ("{\"specversion\":\"1.0\",\"id\":\"" + id + "\",\"source\":\"/it\",\"type\":\"ticket.created\",\"subject\":\"T-" + id + "\","
                + "\"data\":{\"ticket_id\":\"T-" + id + "\",\"subject\":\"Refund\",\"body\":\"Please refund\"}}").getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void should_answer_each_case_of_the_authentication_matrix_and_publish_only_the_accepted_events() throws Exception {
        // given one event per case, each with its own CloudEvent id
        String run = UUID.randomUUID().toString().substring(0, 8);
        long now = Instant.now().getEpochSecond();
        String structured = "application/cloudevents+json";
        byte[] valid = cloudEvent("valid-" + run);
        Map<String, String> validHeaders = standardWebhooks("msg_valid_" + run, now, valid);
        byte[] tampered = cloudEvent("tampered-" + run);
        byte[] old = cloudEvent("old-" + run);
        byte[] future = cloudEvent("future-" + run);
        byte[] wrongType = cloudEvent("wrongtype-" + run);
        byte[] tooLarge = new String(cloudEvent("large-" + run), StandardCharsets.UTF_8).replace("Please refund", "x".repeat(5000))
                .getBytes(StandardCharsets.UTF_8);
        byte[] missing = cloudEvent("missing-" + run);
        byte[] wrongSecret = cloudEvent("wrongsecret-" + run);
        Map<String, String> wrongSecretHeaders = new java.util.HashMap<>(standardWebhooks("msg_ws_" + run, now, wrongSecret));
        wrongSecretHeaders.put("webhook-signature", "v1," + Base64.getEncoder().encodeToString(hmac("not the secret".getBytes(StandardCharsets.UTF_8),
                ("msg_ws_" + run + "." + now + ".").getBytes(StandardCharsets.UTF_8), wrongSecret)));

        // when
        int accepted = post("/events", structured, valid, validHeaders).statusCode();
        int replayed = post("/events", structured, valid, validHeaders).statusCode();
        int missingHeader = post("/events", structured, missing, Map.of()).statusCode();
        int wrongSignature = post("/events", structured, wrongSecret, wrongSecretHeaders).statusCode();
        int tamperedBody = post("/events", structured, tampered, standardWebhooks("msg_t_" + run, now, cloudEvent("original-" + run))).statusCode();
        int oldTimestamp = post("/events", structured, old, standardWebhooks("msg_o_" + run, now - 600, old)).statusCode();
        int futureTimestamp = post("/events", structured, future, standardWebhooks("msg_f_" + run, now + 600, future)).statusCode();
        int wrongContentType = post("/events", "text/plain", wrongType, standardWebhooks("msg_c_" + run, now, wrongType)).statusCode();
        int large = post("/events", structured, tooLarge, standardWebhooks("msg_l_" + run, now, tooLarge)).statusCode();

        // then
        assertThat(List.of(accepted, replayed, missingHeader, wrongSignature, tamperedBody, oldTimestamp, futureTimestamp, wrongContentType, large))
                .containsExactly(202, 409, 401, 401, 401, 403, 403, 415, 413);
        awaitEvent("valid-" + run);
        assertThat(allEventIds()).filteredOn(id -> id.endsWith("-" + run)).containsExactly("valid-" + run);
    }

    @Test
    void should_answer_400_with_the_reason_and_publish_nothing_when_a_posted_event_is_invalid() throws Exception {
        // given a ticket.created without the required body
        String run = UUID.randomUUID().toString().substring(0, 8);
        byte[] invalid = ("{\"specversion\":\"1.0\",\"id\":\"invalid-" + run + "\",\"source\":\"/it\",\"type\":\"ticket.created\","
                + "\"data\":{\"ticket_id\":\"1\",\"subject\":\"x\"}}").getBytes(StandardCharsets.UTF_8);

        // when
        HttpResponse<String> response = post("/events", "application/cloudevents+json", invalid,
                standardWebhooks("msg_i_" + run, Instant.now().getEpochSecond(), invalid));

        // then
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("ticket.created.schema.json").contains("body");
        assertThat(allEventIds()).doesNotContain("invalid-" + run);
    }

    @Test
    void should_publish_the_event_when_it_arrives_in_binary_mode() throws Exception {
        // given
        String id = "binary-" + UUID.randomUUID().toString().substring(0, 8);
        byte[] data = "{\"ticket_id\":\"B-1\",\"subject\":\"Hi\",\"body\":\"Binary mode\"}".getBytes(StandardCharsets.UTF_8);
        Map<String, String> attributes = Map.of("ce-specversion", "1.0", "ce-id", id, "ce-source", "/it", "ce-type", "ticket.created",
                "ce-subject", "B-1");
        Map<String, String> signed = new java.util.HashMap<>(standardWebhooks("msg_" + id, Instant.now().getEpochSecond(), data));
        signed.putAll(attributes);
        Map<String, String> bearer = new java.util.HashMap<>(attributes);
        bearer.put("Authorization", "Bearer " + TOKEN);

        // when it goes to a source whose Standard Webhooks signature would not cover the ce- headers, and to one with a shared secret
        HttpResponse<String> refused = post("/events", "application/json", data, signed);
        HttpResponse<String> response = post("/binary-events", "application/json", data, bearer);

        // then only the second publishes it
        assertThat(refused.statusCode()).isEqualTo(415);
        assertThat(response.statusCode()).isEqualTo(202);
        ConsumerRecord<String, byte[]> record = awaitEvent(id);
        assertThat(record.key()).isEqualTo("B-1");
        assertThat(json(record).path("data").path("body").asText()).isEqualTo("Binary mode");
    }
}
