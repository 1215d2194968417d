package dev.switchboard.connectors.sources;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.connectors.testkit.RecordingEnvironment;
import dev.switchboard.connectors.testkit.Requests;
import dev.switchboard.connectors.testkit.Signatures;
import dev.switchboard.connectors.testkit.YamlOptions;
import dev.switchboard.schemas.events.EventParser;
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

/**
 * SendGrid Inbound Parse and Mailgun routes posts become email.received events describing attachments, with the text of
 * PDF and text files (or why it could not be read), never their bytes.
 */
class InboundEmailWebhooksTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PASSWORD = "inbound-parse-password";
    private static final String SIGNING_KEY = "key-mailgun-signing-fictional";

    @TempDir
    Path dir;

    private RecordingEnvironment environment;
    private Source source;

    @BeforeEach
    void setUp() {
        environment = new RecordingEnvironment(dir, Map.of("PASSWORD", PASSWORD, "MAILGUN_KEY", SIGNING_KEY));
    }

    @AfterEach
    void tearDown() {
        if (source != null) {
            source.close();
        }
    }

    private JsonNode onlyEvent() throws Exception {
        assertThat(environment.published()).hasSize(1);
        assertThat(new EventParser().parse(environment.published().get(0).event())).isInstanceOf(EventParser.Accepted.class);
        return JSON.readTree(environment.published().get(0).event());
    }

    private HttpIngress.Response sendgrid(Fixtures.Form form, String authorization) throws Exception {
        source = new SendGridInboundSourceFactory().create("support-inbox", YamlOptions.bind(SendGridInboundSourceFactory.Options.class,
                "auth: {secret_env: PASSWORD, username: sendgrid}"), environment);
        source.start();
        Requests request = Requests.post("/webhooks/sendgrid/inbound").body(form.multipart()).header("Content-Type", form.contentType());
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return environment.route("/webhooks/sendgrid/inbound").handle(request.build());
    }

    @Test
    void should_publish_email_received_when_sendgrid_posts_a_parsed_message() throws Exception {
        // when
        HttpIngress.Response response = sendgrid(Fixtures.Form.fixture("sendgrid/inbound-parse.json"), Signatures.basic("sendgrid", PASSWORD));

        // then
        assertThat(response.status()).isEqualTo(202);
        JsonNode event = onlyEvent();
        assertThat(event.path("type").asText()).isEqualTo("email.received");
        assertThat(event.path("source").asText()).isEqualTo("/email/sendgrid");
        assertThat(event.path("subject").asText()).isEqualTo("<CAKd3f9Z+7mQ1x@mail.example.com>");
        // the fixture's "PDF" is a few bytes of text: described, and reported unreadable with the parser's reason
        JsonNode receipt = event.path("data").path("attachments").get(0);
        assertThat(receipt.path("reason").asText()).startsWith("The PDF cannot be parsed (");
        ((com.fasterxml.jackson.databind.node.ObjectNode) receipt).remove("reason");
        assertThat(event.path("data")).isEqualTo(JSON.readTree("""
                {"message_id": "<CAKd3f9Z+7mQ1x@mail.example.com>",
                 "thread_id": "<20260301090000.1000@support.example.net>",
                 "from": "\\"Lind, Erik\\" <erik.lind@example.com>",
                 "to": ["Support <support@inbound.example.net>"],
                 "cc": ["billing@example.com", "Ana Lima <ana.lima@example.com>"],
                 "subject": "Re: Refund for order 5521",
                 "text": "Hi, the refund has still not arrived. The receipt is attached.\\n\\nErik\\n",
                 "attachments": [{"name": "receipt-5521.pdf", "content_type": "application/pdf", "size": 32, "extraction": "unreadable"}]}"""));
        assertThat(environment.published().get(0).key()).isEqualTo("<20260301090000.1000@support.example.net>");
        assertThat(environment.published().get(0).json()).doesNotContain("fictional receipt bytes");
    }

    @Test
    void should_convert_the_html_part_to_text_when_sendgrid_posts_no_plain_text() throws Exception {
        // when
        HttpIngress.Response response = sendgrid(Fixtures.Form.fixture("sendgrid/inbound-parse.json").remove("text"),
                Signatures.basic("sendgrid", PASSWORD));

        // then
        assertThat(response.status()).isEqualTo(202);
        assertThat(onlyEvent().path("data").path("text").asText())
                .isEqualTo("Hi, the refund has still not arrived. The receipt is attached.\nErik");
    }

    @Test
    void should_decode_fields_in_the_charset_sendgrid_names_when_they_are_not_utf8() throws Exception {
        // given a subject sent as ISO-8859-1
        Fixtures.Form form = Fixtures.Form.fixture("sendgrid/inbound-parse.json")
                .field("charsets", "{\"subject\":\"iso-8859-1\",\"from\":\"UTF-8\",\"text\":\"UTF-8\"}");
        byte[] body = form.multipart();
        String marker = "Re: Refund for order 5521";
        String latin = new String(body, StandardCharsets.ISO_8859_1).replace(marker, "Réclamation");
        source = new SendGridInboundSourceFactory().create("support-inbox", YamlOptions.bind(SendGridInboundSourceFactory.Options.class,
                "auth: {secret_env: PASSWORD, username: sendgrid}"), environment);
        source.start();

        // when
        HttpIngress.Response response = environment.route("/webhooks/sendgrid/inbound").handle(Requests.post("/webhooks/sendgrid/inbound")
                .body(latin.getBytes(StandardCharsets.ISO_8859_1)).header("Content-Type", form.contentType())
                .header("Authorization", Signatures.basic("sendgrid", PASSWORD)).build());

        // then
        assertThat(response.status()).isEqualTo(202);
        assertThat(onlyEvent().path("data").path("subject").asText()).isEqualTo("Réclamation");
    }

    @Test
    void should_answer_401_and_publish_nothing_when_sendgrid_credentials_are_wrong() throws Exception {
        // when
        HttpIngress.Response missing = sendgrid(Fixtures.Form.fixture("sendgrid/inbound-parse.json"), null);
        HttpIngress.Response wrong = environment.route("/webhooks/sendgrid/inbound").handle(Requests.post("/webhooks/sendgrid/inbound")
                .body(new byte[] {1}).header("Content-Type", "multipart/form-data; boundary=x")
                .header("Authorization", Signatures.basic("sendgrid", "guess")).build());

        // then
        assertThat(missing.status()).isEqualTo(401);
        assertThat(wrong.status()).isEqualTo(401);
        assertThat(environment.published()).isEmpty();
    }

    @Test
    void should_answer_400_when_sendgrid_posts_the_raw_mime_message() throws Exception {
        // when
        HttpIngress.Response response = sendgrid(new Fixtures.Form().field("email", "From: a@example.com\r\n\r\nhi").field("to", "x@example.com"),
                Signatures.basic("sendgrid", PASSWORD));

        // then
        assertThat(response.status()).isEqualTo(400);
        assertThat(new String(response.body(), StandardCharsets.UTF_8)).contains("raw");
    }

    private Source mailgunSource(String text) throws Exception {
        Source created = new MailgunInboundSourceFactory().create("support-inbox", YamlOptions.bind(MailgunInboundSourceFactory.Options.class,
                "{auth: {secret_env: MAILGUN_KEY}, text: " + text + "}"), environment);
        created.start();
        return created;
    }

    private static Fixtures.Form signedMailgun(String token, long timestamp) {
        String ts = Long.toString(timestamp);
        return Fixtures.Form.fixture("mailgun/route-forward.json").field("timestamp", ts).field("token", token)
                .field("signature", Signatures.mailgun(SIGNING_KEY, ts, token));
    }

    @Test
    void should_publish_email_received_when_a_mailgun_route_forwards_a_message_with_attachments() throws Exception {
        // given
        source = mailgunSource(null);
        Fixtures.Form form = signedMailgun("token-1", Instant.now().getEpochSecond());

        // when
        HttpIngress.Response response = environment.route("/webhooks/mailgun/inbound").handle(Requests.post("/webhooks/mailgun/inbound")
                .body(form.multipart()).header("Content-Type", form.contentType()).build());

        // then
        assertThat(response.status()).isEqualTo(202);
        JsonNode data = onlyEvent().path("data");
        assertThat(data).isEqualTo(JSON.readTree("""
                {"message_id": "<20260302101500.77aa@mail.example.com>",
                 "thread_id": "<20260301160000.55bb@mg.example.net>",
                 "from": "Mei Chen <mei.chen@example.com>",
                 "to": ["support@mg.example.net"],
                 "cc": ["Team Lead <lead@example.com>"],
                 "subject": "Calendar sync stopped",
                 "text": "Hello,\\n\\nthe calendar sync stopped yesterday.\\n\\n> On Mon, Support wrote:\\n> Thanks for reaching out.\\n\\n-- \\nMei\\n",
                 "attachments": [{"name": "screenshot.png", "content_type": "image/png", "size": 19},
                                 {"name": "sync-log.txt", "content_type": "text/plain", "size": 41,
                                  "extraction": "ok", "text": "12:00 sync failed: 401 from calendar API"}]}"""));
    }

    @Test
    void should_use_the_stripped_text_and_read_urlencoded_posts_when_text_is_stripped() throws Exception {
        // given a route without attachments posts x-www-form-urlencoded
        source = mailgunSource("stripped");
        Fixtures.Form form = signedMailgun("token-2", Instant.now().getEpochSecond()).remove("attachment-1").remove("attachment-2");

        // when
        HttpIngress.Response response = environment.route("/webhooks/mailgun/inbound").handle(Requests.post("/webhooks/mailgun/inbound")
                .body(form.urlEncoded()).header("Content-Type", "application/x-www-form-urlencoded").build());

        // then
        assertThat(response.status()).isEqualTo(202);
        JsonNode data = onlyEvent().path("data");
        assertThat(data.path("text").asText()).isEqualTo("Hello,\n\nthe calendar sync stopped yesterday.");
        assertThat(data.path("attachments")).isEmpty();
    }

    @Test
    void should_refuse_replayed_old_and_forged_mailgun_posts_and_publish_nothing_for_them() throws Exception {
        // given
        source = mailgunSource(null);
        long now = Instant.now().getEpochSecond();
        Fixtures.Form valid = signedMailgun("token-3", now);
        Fixtures.Form old = signedMailgun("token-4", now - 600);
        Fixtures.Form forged = signedMailgun("token-5", now).field("signature", Signatures.mailgun("guessed-key", Long.toString(now), "token-5"));
        HttpIngress.Handler route = environment.route("/webhooks/mailgun/inbound");

        // when
        int first = route.handle(Requests.post("/m").body(valid.multipart()).header("Content-Type", valid.contentType()).build()).status();
        int replay = route.handle(Requests.post("/m").body(valid.multipart()).header("Content-Type", valid.contentType()).build()).status();
        int stale = route.handle(Requests.post("/m").body(old.multipart()).header("Content-Type", old.contentType()).build()).status();
        int bad = route.handle(Requests.post("/m").body(forged.multipart()).header("Content-Type", forged.contentType()).build()).status();
        int json = route.handle(Requests.post("/m").json("{}").build()).status();

        // then
        assertThat(first).isEqualTo(202);
        assertThat(replay).isEqualTo(409);
        assertThat(stale).isEqualTo(403);
        assertThat(bad).isEqualTo(401);
        assertThat(json).isEqualTo(415);
        assertThat(environment.published()).hasSize(1);
    }
}
