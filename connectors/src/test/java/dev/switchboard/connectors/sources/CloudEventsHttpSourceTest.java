package dev.switchboard.connectors.sources;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.connectors.testkit.RecordingEnvironment;
import dev.switchboard.connectors.testkit.Requests;
import dev.switchboard.connectors.testkit.Signatures;
import dev.switchboard.connectors.testkit.YamlOptions;
import dev.switchboard.schemas.spi.HttpIngress;
import dev.switchboard.schemas.spi.Source;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The CloudEvents HTTP binding: structured, binary and batch modes; validation before publishing. */
class CloudEventsHttpSourceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "events-secret";

    @TempDir
    Path dir;

    private RecordingEnvironment environment;
    private Source source;
    private int sequence;

    @BeforeEach
    void setUp() throws Exception {
        environment = new RecordingEnvironment(dir, Map.of("EVENTS_SECRET", SECRET));
        source = new CloudEventsHttpSourceFactory().create("http-events", YamlOptions.bind(CloudEventsHttpSourceFactory.Options.class, """
                auth: {secret_env: EVENTS_SECRET}
                types: [ticket.created, crm.lead.created, custom.ping]
                max_batch: 3
                """), environment);
        source.start();
    }

    @AfterEach
    void tearDown() {
        source.close();
    }

    private HttpIngress.Response post(String contentType, String body, Map<String, String> headers) throws Exception {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        String id = "msg_" + (++sequence);
        long now = Instant.now().getEpochSecond();
        Requests request = Requests.post("/events").body(bytes).header("Content-Type", contentType)
                .header("webhook-id", id).header("webhook-timestamp", Long.toString(now))
                .header("webhook-signature", Signatures.standardWebhooks(SECRET, id, now, bytes));
        headers.forEach(request::header);
        return environment.route("/events").handle(request.build());
    }

    private static String text(HttpIngress.Response response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    @Test
    void should_publish_the_event_as_given_when_it_arrives_in_structured_mode() throws Exception {
        // given
        String event = new String(Fixtures.bytes("cloudevents/ticket-created.json"), StandardCharsets.UTF_8);

        // when
        HttpIngress.Response response = post("application/cloudevents+json; charset=UTF-8", event, Map.of());

        // then
        assertThat(response.status()).isEqualTo(202);
        assertThat(JSON.readTree(environment.published().get(0).event())).isEqualTo(JSON.readTree(event));
        assertThat(environment.published().get(0).key()).isEqualTo("T-1001");
    }

    /** Binary mode to a source that authenticates with a shared secret, the scheme under which binary mode is accepted. */
    private HttpIngress.Response postBinary(String body, Map<String, String> headers) throws Exception {
        Source shared = new CloudEventsHttpSourceFactory().create("binary-events", YamlOptions.bind(CloudEventsHttpSourceFactory.Options.class, """
                path: /binary-events
                auth: {scheme: shared-secret, secret_env: EVENTS_SECRET}
                types: [ticket.created, custom.ping]
                """), environment);
        shared.start();
        try {
            Requests request = Requests.post("/binary-events").body(body.getBytes(StandardCharsets.UTF_8))
                    .header("Content-Type", "application/json").header("Authorization", "Bearer " + SECRET);
            headers.forEach(request::header);
            return environment.route("/binary-events").handle(request.build());
        } finally {
            shared.close();
        }
    }

    @Test
    void should_refuse_binary_mode_with_415_when_the_signature_covers_only_the_body() throws Exception {
        // given a body signed with Standard Webhooks, and the event's attributes in unsigned ce- headers
        Map<String, String> attributes = Map.of("ce-specversion", "1.0", "ce-id", "evt-forged", "ce-source", "/crm/portal",
                "ce-type", "ticket.created");

        // when
        HttpIngress.Response response = post("application/json", "{\"ticket_id\":\"T-2\",\"subject\":\"Hi\",\"body\":\"Text\"}", attributes);

        // then nothing is published, and the answer says why and what to do
        assertThat(response.status()).isEqualTo(415);
        assertThat(text(response)).contains("binary mode is refused under standard-webhooks", "not the ce-* headers", "shared-secret");
        assertThat(environment.published()).isEmpty();
    }

    @Test
    void should_publish_every_number_as_signed_when_a_double_could_not_hold_it() throws Exception {
        // given a signed event with numbers beyond a double's range and precision, in structured and in binary mode
        String data = "{\"beyond\":1e999999999,\"fraction\":0.1000000000000000055511151231257827021181583404541015625,"
                + "\"cents\":10.10,\"integer\":123456789012345678901234567890}";
        String structured = "{\"specversion\":\"1.0\",\"id\":\"evt-n\",\"source\":\"/s\",\"type\":\"custom.ping\",\"data\":" + data + "}";

        // when
        HttpIngress.Response first = post("application/cloudevents+json", structured, Map.of());
        // (binary mode goes to a shared-secret source: standard-webhooks refuses it, its signature not covering the ce-* headers)
        HttpIngress.Response second = postBinary(data, Map.of("ce-specversion", "1.0", "ce-id", "evt-b", "ce-source", "/s",
                "ce-type", "custom.ping"));

        // then what is published carries the same numbers, digit for digit
        assertThat(first.status()).isEqualTo(202);
        assertThat(second.status()).isEqualTo(202);
        assertThat(environment.published()).hasSize(2).allSatisfy(published -> assertThat(new String(published.event(), StandardCharsets.UTF_8))
                .doesNotContain("Infinity")
                .contains("\"beyond\":1E+999999999", "\"fraction\":0.1000000000000000055511151231257827021181583404541015625",
                        "\"cents\":10.10", "\"integer\":123456789012345678901234567890"));
    }

    @Test
    void should_build_the_event_from_ce_headers_when_it_arrives_in_binary_mode() throws Exception {
        // when
        HttpIngress.Response response = postBinary("{\"ticket_id\":\"T-2\",\"subject\":\"Hi\",\"body\":\"Text\"}", Map.of(
                "ce-specversion", "1.0", "ce-id", "evt-2", "ce-source", "/crm/portal", "ce-type", "ticket.created",
                "ce-time", "2026-03-02T09:00:00Z", "ce-traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                "ce-region", "eu%2Dwest %E2%82%AC"));

        // then
        assertThat(response.status()).isEqualTo(202);
        JsonNode event = JSON.readTree(environment.published().get(0).event());
        assertThat(event).isEqualTo(JSON.readTree("""
                {"specversion": "1.0", "id": "evt-2", "source": "/crm/portal", "type": "ticket.created", "time": "2026-03-02T09:00:00Z",
                 "traceparent": "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "region": "eu-west €",
                 "datacontenttype": "application/json", "data": {"ticket_id": "T-2", "subject": "Hi", "body": "Text"}}"""));
        assertThat(environment.published().get(0).key()).isEqualTo("evt-2");
    }

    @Test
    void should_answer_400_naming_the_missing_headers_when_binary_mode_lacks_attributes() throws Exception {
        // when
        HttpIngress.Response response = postBinary("{}", Map.of("ce-id", "evt-3"));

        // then
        assertThat(response.status()).isEqualTo(400);
        assertThat(text(response)).contains("ce-source, ce-specversion, ce-type");
        assertThat(environment.published()).isEmpty();
    }

    @Test
    void should_publish_every_event_when_a_batch_is_valid() throws Exception {
        // when
        HttpIngress.Response response = post("application/cloudevents-batch+json", """
                [{"specversion":"1.0","id":"b-1","source":"/s","type":"custom.ping","subject":"a"},
                 {"specversion":"1.0","id":"b-2","source":"/s","type":"custom.ping"}]""", Map.of());

        // then
        assertThat(response.status()).isEqualTo(202);
        assertThat(text(response)).isEqualTo("{\"accepted\":2,\"ids\":[\"b-1\",\"b-2\"]}");
        // events of a batch are published concurrently: every one, in any order
        assertThat(environment.published()).extracting(RecordingEnvironment.Published::key).containsExactlyInAnyOrder("a", "b-2");
    }

    @Test
    void should_publish_nothing_and_name_the_item_when_one_event_of_a_batch_is_invalid() throws Exception {
        // when
        HttpIngress.Response response = post("application/cloudevents-batch+json", """
                [{"specversion":"1.0","id":"b-1","source":"/s","type":"custom.ping"},
                 {"specversion":"1.0","id":"b-2","source":"/s","type":"ticket.created","data":{"ticket_id":"7","subject":"x"}}]""", Map.of());

        // then
        assertThat(response.status()).isEqualTo(400);
        assertThat(text(response)).startsWith("{\"error\":\"Invalid event at [1]: Event data does not match ticket.created.schema.json").contains("body");
        assertThat(environment.published()).isEmpty();
    }

    @Test
    void should_answer_400_when_a_batch_is_larger_than_max_batch() throws Exception {
        // when
        HttpIngress.Response response = post("application/cloudevents-batch+json", "[{},{},{},{}]", Map.of());

        // then
        assertThat(response.status()).isEqualTo(400);
        assertThat(text(response)).contains("at most 3");
    }

    @Test
    void should_answer_400_with_the_parser_reason_when_the_envelope_is_invalid() throws Exception {
        // when
        HttpIngress.Response response = post("application/cloudevents+json", "{\"specversion\":\"0.3\",\"id\":\"x\",\"source\":\"/s\",\"type\":\"custom.ping\"}", Map.of());

        // then
        assertThat(response.status()).isEqualTo(400);
        assertThat(text(response)).contains("Not a valid CloudEvents 1.0 event").contains("specversion");
    }

    @Test
    void should_answer_400_when_the_event_type_is_not_accepted_here() throws Exception {
        // when
        HttpIngress.Response response = post("application/cloudevents+json", "{\"specversion\":\"1.0\",\"id\":\"x\",\"source\":\"/s\",\"type\":\"email.received\"}", Map.of());

        // then
        assertThat(response.status()).isEqualTo(400);
        assertThat(text(response)).contains("'email.received' is not accepted here");
    }

    @Test
    void should_refuse_with_403_and_publish_nothing_when_a_sender_posts_a_crm_change_or_an_engine_event() throws Exception {
        // given a source that accepts any type (no types:), and the attack of issue 16: a CRM record "deleted" by a webhook sender
        source.close();
        source = new CloudEventsHttpSourceFactory().create("http-events", YamlOptions.bind(CloudEventsHttpSourceFactory.Options.class, """
                auth: {secret_env: EVENTS_SECRET}
                """), environment);
        source.start();

        // when
        HttpIngress.Response crm = post("application/cloudevents+json", """
                {"specversion":"1.0","id":"x-1","source":"/cdc/postgres/crm/public.companies","type":"crm.company.deleted","subject":"co4",
                 "data":{"op":"d","before":{"id":"co4"},"after":null}}""", Map.of());
        HttpIngress.Response internal = post("application/cloudevents-batch+json", """
                [{"specversion":"1.0","id":"x-2","source":"/s","type":"custom.ping"},
                 {"specversion":"1.0","id":"x-3","source":"/switchboard","type":"switchboard.review.decided"}]""", Map.of());

        // then
        assertThat(crm.status()).isEqualTo(403);
        assertThat(text(crm)).contains("Reserved event type 'crm.company.deleted'", "only by change-data-capture sources");
        assertThat(internal.status()).isEqualTo(403);
        assertThat(text(internal)).contains("at [1]", "Reserved event type 'switchboard.review.decided'");
        assertThat(environment.published()).isEmpty();
    }
}
