package dev.switchboard.connectors.sources;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.connectors.testkit.RecordingEnvironment;
import dev.switchboard.connectors.testkit.Requests;
import dev.switchboard.connectors.testkit.Signatures;
import dev.switchboard.connectors.testkit.YamlOptions;
import dev.switchboard.schemas.spi.HttpIngress;
import dev.switchboard.schemas.spi.Source;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The pipeline every webhook source shares, driven through the /events source with Standard Webhooks. */
class WebhookSourceTest {

    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
    private static final byte[] EVENT = Fixtures.bytes("cloudevents/ticket-created.json");

    @TempDir
    Path dir;

    private RecordingEnvironment environment;
    private Source source;

    @BeforeEach
    void setUp() throws Exception {
        environment = new RecordingEnvironment(dir, Map.of("EVENTS_SECRET", SECRET));
        source = start(List.of());
    }

    @AfterEach
    void tearDown() {
        source.close();
    }

    private Source start(List<String> networks) throws Exception {
        CloudEventsHttpSourceFactory.Options options = YamlOptions.bind(CloudEventsHttpSourceFactory.Options.class, """
                auth: {secret_env: EVENTS_SECRET, allowed_networks: %s}
                max_body_bytes: 4096
                ack_timeout_seconds: 1
                """.formatted(networks));
        Source created = new CloudEventsHttpSourceFactory().create("http-events", options, environment);
        created.start();
        return created;
    }

    private static Requests signed(String id, byte[] body) {
        long now = Instant.now().getEpochSecond();
        return Requests.post("/events").body(body).header("Content-Type", "application/cloudevents+json")
                .header("webhook-id", id).header("webhook-timestamp", Long.toString(now))
                .header("webhook-signature", Signatures.standardWebhooks(SECRET, id, now, body));
    }

    private HttpIngress.Response post(Requests request) throws Exception {
        return environment.route("/events").handle(request.build());
    }

    @Test
    void should_answer_202_with_the_event_ids_only_after_kafka_acknowledged_when_the_request_is_valid() throws Exception {
        // when
        HttpIngress.Response response = post(signed("msg_1", EVENT));

        // then
        assertThat(response.status()).isEqualTo(202);
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).isEqualTo("{\"accepted\":1,\"ids\":[\"evt-7f3a\"]}");
        assertThat(environment.published()).singleElement().satisfies(published -> {
            assertThat(published.key()).isEqualTo("T-1001");
            assertThat(published.topic()).isEqualTo("switchboard.events");
        });
        assertThat(environment.limit("/events")).isEqualTo(4096);
    }

    @Test
    void should_answer_503_and_accept_the_retry_when_kafka_does_not_acknowledge_in_time() throws Exception {
        // given
        environment.kafka(RecordingEnvironment.Kafka.NEVER_ANSWERS);

        // when
        HttpIngress.Response first = post(signed("msg_1", EVENT));
        environment.kafka(RecordingEnvironment.Kafka.ACKNOWLEDGES);
        HttpIngress.Response retry = post(signed("msg_1", EVENT));

        // then the id was not remembered by the failed attempt, so the sender's retry goes through
        assertThat(first.status()).isEqualTo(503);
        assertThat(new String(first.body(), StandardCharsets.UTF_8)).contains("did not acknowledge within 1 s");
        assertThat(retry.status()).isEqualTo(202);
    }

    @Test
    void should_answer_503_when_kafka_refuses_the_event() throws Exception {
        // given
        environment.kafka(RecordingEnvironment.Kafka.FAILS);

        // when
        HttpIngress.Response response = post(signed("msg_1", EVENT));

        // then
        assertThat(response.status()).isEqualTo(503);
    }

    @Test
    void should_answer_409_and_publish_once_when_an_accepted_delivery_is_replayed() throws Exception {
        // given
        Requests request = signed("msg_1", EVENT);
        post(request);

        // when
        HttpIngress.Response replay = post(request);

        // then
        assertThat(replay.status()).isEqualTo(409);
        assertThat(environment.published()).hasSize(1);
    }

    @Test
    void should_answer_409_when_a_delivery_is_replayed_after_the_source_restarts() throws Exception {
        // given
        Requests request = signed("msg_1", EVENT);
        post(request);
        source.close();
        source = start(List.of());

        // when
        HttpIngress.Response replay = post(request);

        // then
        assertThat(replay.status()).isEqualTo(409);
        assertThat(environment.published()).hasSize(1);
    }

    @Test
    void should_answer_401_and_publish_nothing_when_the_body_was_tampered_with() throws Exception {
        // given
        Requests request = signed("msg_1", EVENT);
        byte[] tampered = new String(EVENT, StandardCharsets.UTF_8).replace("Refund request", "Free money").getBytes(StandardCharsets.UTF_8);

        // when
        HttpIngress.Response response = post(request.body(tampered));

        // then
        assertThat(response.status()).isEqualTo(401);
        assertThat(environment.published()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"text/plain", "application/x-www-form-urlencoded", "application/cloudevents+json; charset=iso-8859-1", "not a type"})
    void should_answer_415_and_publish_nothing_when_the_content_type_is_wrong(String contentType) throws Exception {
        // when
        HttpIngress.Response response = post(signed("msg_1", EVENT).without("Content-Type").header("Content-Type", contentType));

        // then
        assertThat(response.status()).isEqualTo(415);
        assertThat(environment.published()).isEmpty();
    }

    @Test
    void should_answer_415_when_there_is_no_content_type() throws Exception {
        // when
        HttpIngress.Response response = post(signed("msg_1", EVENT).without("Content-Type"));

        // then
        assertThat(response.status()).isEqualTo(415);
    }

    @Test
    void should_answer_405_when_the_method_is_not_post() throws Exception {
        // when
        HttpIngress.Response response = post(signed("msg_1", EVENT).method("GET"));

        // then
        assertThat(response.status()).isEqualTo(405);
        assertThat(environment.published()).isEmpty();
    }

    @Test
    void should_answer_400_with_the_position_when_the_body_is_not_json() throws Exception {
        // when
        HttpIngress.Response response = post(signed("msg_1", "{\"specversion\": ".getBytes(StandardCharsets.UTF_8)));

        // then
        assertThat(response.status()).isEqualTo(400);
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).contains("not valid JSON").contains("line 1");
        assertThat(environment.published()).isEmpty();
    }

    @Test
    void should_answer_403_and_publish_nothing_when_the_address_is_not_allowed() throws Exception {
        // given
        source.close();
        source = start(List.of("192.30.252.0/22"));

        // when
        HttpIngress.Response outside = post(signed("msg_1", EVENT).from("203.0.113.9"));
        HttpIngress.Response inside = post(signed("msg_2", EVENT).from("192.30.252.41"));

        // then
        assertThat(outside.status()).isEqualTo(403);
        assertThat(inside.status()).isEqualTo(202);
        assertThat(environment.published()).hasSize(1);
    }

    @Test
    void should_count_accepted_and_refused_requests_when_health_is_read() throws Exception {
        // given
        post(signed("msg_1", EVENT));
        post(signed("msg_1", EVENT));
        post(signed("msg_2", EVENT).without("webhook-signature"));

        // when
        Map<String, Object> health = source.health();

        // then
        assertThat(health).containsEntry("type", "cloudevents").containsEntry("accepted", 1L).containsEntry("auth", "standard-webhooks")
                .containsEntry("refused", Map.of("401", 1L, "409", 1L))
                .containsEntry("refused_by_reason", Map.of("authentication", 1L, "replay", 1L));
        assertThat(health.get("last_refusal")).isEqualTo("401 authentication");
    }

    @Test
    void should_show_only_fixed_reasons_in_health_when_refused_requests_carry_attacker_text() throws Exception {
        // given requests whose refusals would quote what the caller sent: a content type, a body, an event type
        String marker = "<script>alert(1)</script> INJECTED";
        post(signed("msg_a", EVENT).without("Content-Type").header("Content-Type", "text/" + marker));
        post(signed("msg_b", ("{\"" + marker + "\": ").getBytes(StandardCharsets.UTF_8)));
        post(signed("msg_c", new String(EVENT, StandardCharsets.UTF_8).replace("\"high\"", "\"" + marker + "\"").getBytes(StandardCharsets.UTF_8)));
        post(signed("msg_d", EVENT).method(marker));

        // when
        Map<String, Object> health = source.health();

        // then health counts the refusals by a fixed reason and quotes none of the caller's text
        assertThat(health.toString()).doesNotContain("script").doesNotContain("INJECTED");
        assertThat(health).containsEntry("refused", Map.of("400", 2L, "405", 1L, "415", 1L))
                .containsEntry("refused_by_reason", Map.of("content_type", 1L, "payload", 1L, "invalid_event", 1L, "method", 1L))
                .containsEntry("last_refusal", "405 method");
    }
}
