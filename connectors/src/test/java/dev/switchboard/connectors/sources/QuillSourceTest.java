package dev.switchboard.connectors.sources;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.connectors.testkit.RecordingEnvironment;
import dev.switchboard.connectors.testkit.Requests;
import dev.switchboard.connectors.testkit.Signatures;
import dev.switchboard.connectors.testkit.YamlOptions;
import dev.switchboard.schemas.spi.HttpIngress;
import dev.switchboard.schemas.options.OptionProblem;
import dev.switchboard.schemas.spi.Source;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Quill's payloads, signed as Quill signs them, become the expected ticket events; its options are checked at their paths. */
class QuillSourceTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";

    @TempDir
    Path dir;

    private RecordingEnvironment environment;
    private Source source;

    @BeforeEach
    void setUp() {
        environment = new RecordingEnvironment(dir, Map.of("QUILL_WEBHOOK_SECRET", SECRET));
    }

    @AfterEach
    void tearDown() {
        if (source != null) {
            source.close();
        }
    }

    // tag::payload[]
    private HttpIngress.Response post(String options, byte[] body) throws Exception {
        source = new QuillSourceFactory().create("quill-conversations",
                YamlOptions.bind(QuillSourceFactory.Options.class, "auth: {secret_env: QUILL_WEBHOOK_SECRET}\n" + options), environment);
        source.start();
        long timestamp = Instant.now().getEpochSecond();
        return environment.route("/webhooks/quill").handle(Requests.post("/webhooks/quill").body(body)
                .header("Content-Type", "application/json")
                .header("webhook-id", "msg_2b7Yq1").header("webhook-timestamp", Long.toString(timestamp))
                .header("webhook-signature", Signatures.standardWebhooks(SECRET, "msg_2b7Yq1", timestamp, body)).build());
    }

    @Test
    void should_publish_ticket_created_when_quill_sends_a_new_conversation() throws Exception {
        // when
        HttpIngress.Response response = post("", Fixtures.bytes("quill/conversation-created.json"));

        // then
        assertThat(response.status()).isEqualTo(202);
        assertThat(environment.published()).singleElement().satisfies(published -> {
            assertThat(published.topic()).isEqualTo("switchboard.events");
            assertThat(published.key()).isEqualTo("cnv_58213");
            assertThat(JSON.readTree(published.event())).isEqualTo(JSON.readTree("""
                    {"specversion": "1.0", "id": "quill-evt_01J9Z6M4T2Q8R7", "source": "/helpdesk/quill", "type": "ticket.created",
                     "subject": "cnv_58213", "time": "2026-11-02T09:14:05Z", "datacontenttype": "application/json",
                     "data": {"ticket_id": "cnv_58213", "subject": "Charged twice for November",
                              "body": "Hello, my card was charged twice for the November invoice. Can you refund one of them?",
                              "requester": {"name": "Ada Lovelace", "email": "ada@engines.example"}, "channel": "email",
                              "priority": "high", "tags": ["billing", "refund"],
                              "url": "https://northwind.quill.example/conversations/cnv_58213", "status": "open"}}"""));
        });
    }
    // end::payload[]

    private static byte[] changed(String type) throws IOException {
        ObjectNode body = (ObjectNode) JSON.readTree(Fixtures.bytes("quill/conversation-created.json"));
        body.put("type", type);
        ((ObjectNode) body.path("data").path("conversation")).put("status", "pending").put("updated_at", "2026-11-02T10:30:00Z");
        return JSON.writeValueAsBytes(body);
    }

    @Test
    void should_publish_ticket_updated_with_the_change_when_quill_sends_an_updated_conversation() throws Exception {
        // when
        HttpIngress.Response response = post("", changed("conversation.updated"));

        // then
        assertThat(response.status()).isEqualTo(202);
        JsonNode event = JSON.readTree(environment.published().get(0).event());
        assertThat(event.path("type").asText()).isEqualTo("ticket.updated");
        assertThat(event.path("data").path("status").asText()).isEqualTo("pending");
        assertThat(event.path("data").path("change").asText()).isEqualTo("conversation.updated");
        assertThat(event.path("data").path("updated_at").asText()).isEqualTo("2026-11-02T10:30:00Z");
    }

    @Test
    void should_answer_200_and_publish_nothing_when_the_event_is_not_about_a_conversation() throws Exception {
        // when
        HttpIngress.Response response = post("", changed("customer.created"));

        // then
        assertThat(response.status()).isEqualTo(200);
        assertThat(environment.published()).isEmpty();
    }

    @Test
    void should_answer_200_and_publish_nothing_when_the_conversation_is_in_another_inbox() throws Exception {
        // when
        HttpIngress.Response response = post("inboxes: [inb_77d01e]", Fixtures.bytes("quill/conversation-created.json"));

        // then
        assertThat(response.status()).isEqualTo(200);
        assertThat(environment.published()).isEmpty();
    }

    @Test
    void should_answer_400_naming_the_field_when_the_conversation_has_no_id() throws Exception {
        // given
        ObjectNode body = (ObjectNode) JSON.readTree(Fixtures.bytes("quill/conversation-created.json"));
        ((ObjectNode) body.path("data").path("conversation")).remove("id");

        // when
        HttpIngress.Response response = post("", JSON.writeValueAsBytes(body));

        // then
        assertThat(response.status()).isEqualTo(400);
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).contains("Quill conversation.created without data.conversation.id");
        assertThat(environment.published()).isEmpty();
    }

    @Test
    void should_report_each_problem_at_its_option_when_the_options_are_invalid() {
        // given
        QuillSourceFactory.Options options = YamlOptions.bind(QuillSourceFactory.Options.class, """
                inboxes: [inb_4f2a9c, Support]
                auth: {scheme: github, secret_env: QUILL_WEBHOOK_SECRET}
                """);

        // when
        List<OptionProblem> problems = new QuillSourceFactory().check(options, environment);

        // then
        assertThat(problems).extracting(Object::toString).containsExactlyInAnyOrder(
                "Unsupported scheme at auth.scheme: got 'github', expected shared-secret, standard-webhooks for a quill source",
                "Invalid inbox id at inboxes[1]: got 'Support', expected a Quill inbox id such as inb_4f2a9c. "
                        + "Copy it from the inbox's settings in Quill");
    }

    @Test
    void should_report_a_missing_secret_when_its_variable_is_not_set() {
        // given
        QuillSourceFactory.Options options = YamlOptions.bind(QuillSourceFactory.Options.class, "auth: {secret_env: QUILL_SECRET_UNSET}");

        // when
        List<OptionProblem> problems = new QuillSourceFactory().check(options, environment);

        // then
        assertThat(problems).singleElement().satisfies(problem -> {
            assertThat(problem.path()).isEqualTo("auth.secret_env");
            assertThat(problem.severity()).isEqualTo(OptionProblem.Severity.MISSING_SECRET);
        });
    }
}
