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
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each vendor's documented payload, signed as the vendor signs it, becomes the expected ticket event. */
class TicketWebhooksTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET = "ticket-webhook-secret";
    private static final EventParser PARSER = new EventParser();

    @TempDir
    Path dir;

    private RecordingEnvironment environment;
    private Source source;

    @BeforeEach
    void setUp() {
        environment = new RecordingEnvironment(dir, Map.of("SECRET", SECRET));
    }

    @AfterEach
    void tearDown() {
        if (source != null) {
            source.close();
        }
    }

    /** Options of a source from YAML, its secret in the variable SECRET. */
    private static <O extends Record> O options(Class<O> type, String yaml) {
        return YamlOptions.bind(type, yaml);
    }

    private HttpIngress.Response post(String path, HttpIngress.Request request) throws Exception {
        return environment.route(path).handle(request);
    }

    private JsonNode onlyEvent(String topic) throws Exception {
        assertThat(environment.published()).hasSize(1);
        RecordingEnvironment.Published published = environment.published().get(0);
        assertThat(published.topic()).isEqualTo(topic);
        assertThat(PARSER.parse(published.event())).isInstanceOf(EventParser.Accepted.class);
        return JSON.readTree(published.event());
    }

    private HttpIngress.Response zendesk(String fixture) throws Exception {
        source = new ZendeskSourceFactory().create("zendesk-tickets", options(ZendeskSourceFactory.Options.class, "auth: {secret_env: SECRET}"), environment);
        source.start();
        byte[] body = Fixtures.bytes(fixture);
        String timestamp = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        return post("/webhooks/zendesk", Requests.post("/webhooks/zendesk").body(body).header("Content-Type", "application/json")
                .header("X-Zendesk-Webhook-Signature-Timestamp", timestamp)
                .header("X-Zendesk-Webhook-Signature", Signatures.zendesk(SECRET, timestamp, body)).build());
    }

    @Test
    void should_publish_ticket_created_when_zendesk_sends_a_ticket_created_event() throws Exception {
        // when
        HttpIngress.Response response = zendesk("zendesk/ticket-created-event.json");

        // then
        assertThat(response.status()).isEqualTo(202);
        JsonNode event = onlyEvent("switchboard.events");
        assertThat(event.path("id").asText()).isEqualTo("zendesk-01HTZ6Q0V7C4M9K2R5X8B3N1JD");
        assertThat(event.path("type").asText()).isEqualTo("ticket.created");
        assertThat(event.path("source").asText()).isEqualTo("/helpdesk/zendesk");
        assertThat(event.path("subject").asText()).isEqualTo("35436");
        assertThat(event.path("time").asText()).isEqualTo("2026-03-02T09:58:40Z");
        assertThat(event.path("data")).isEqualTo(JSON.readTree("""
                {"ticket_id": "35436", "subject": "Charged twice for March",
                 "body": "Hello, I was charged twice for the March invoice. Can you refund one of the payments?",
                 "channel": "web_form", "priority": "high", "tags": ["billing", "refund"], "status": "NEW"}"""));
        assertThat(environment.published().get(0).key()).isEqualTo("35436");
    }

    @Test
    void should_publish_ticket_updated_when_zendesk_sends_a_status_change() throws Exception {
        // when
        HttpIngress.Response response = zendesk("zendesk/ticket-status-changed-event.json");

        // then
        assertThat(response.status()).isEqualTo(202);
        JsonNode event = onlyEvent("switchboard.events");
        assertThat(event.path("type").asText()).isEqualTo("ticket.updated");
        assertThat(event.path("data").path("status").asText()).isEqualTo("SOLVED");
        assertThat(event.path("data").path("change").asText()).isEqualTo("ticket.status_changed");
        assertThat(event.path("data").path("updated_at").asText()).isEqualTo("2026-03-02T11:02:05Z");
    }

    @Test
    void should_map_the_documented_trigger_body_when_zendesk_posts_from_a_trigger() throws Exception {
        // when
        HttpIngress.Response response = zendesk("zendesk/trigger-ticket-updated.json");

        // then
        assertThat(response.status()).isEqualTo(202);
        JsonNode data = onlyEvent("switchboard.events").path("data");
        assertThat(data.path("ticket_id").asText()).isEqualTo("35437");
        assertThat(data.path("subject").asText()).isEqualTo("Cannot log in after password reset");
        assertThat(data.path("priority").asText()).isEqualTo("urgent");
        assertThat(data.path("requester")).isEqualTo(JSON.readTree("{\"name\": \"Ana Lima\", \"email\": \"ana.lima@example.com\"}"));
        assertThat(data.path("tags")).isEqualTo(JSON.readTree("[\"login\", \"locked_out\", \"vip\"]"));
        assertThat(data.path("channel").asText()).isEqualTo("Mail");
        assertThat(data.path("url").asText()).isEqualTo("https://example-support.zendesk.com/agent/tickets/35437");
    }

    @Test
    void should_give_the_same_id_when_a_zendesk_trigger_delivery_is_retried() throws Exception {
        // given the same trigger body, signed again at a later time (a retry)
        zendesk("zendesk/trigger-ticket-updated.json");
        source.close();
        byte[] body = Fixtures.bytes("zendesk/trigger-ticket-updated.json");
        String later = Instant.now().plusSeconds(2).truncatedTo(ChronoUnit.SECONDS).toString();
        source = new ZendeskSourceFactory().create("zendesk-tickets-2", options(ZendeskSourceFactory.Options.class, "{path: /zd2, auth: {secret_env: SECRET}}"), environment);
        source.start();

        // when
        post("/zd2", Requests.post("/zd2").body(body).header("Content-Type", "application/json")
                .header("X-Zendesk-Webhook-Signature-Timestamp", later)
                .header("X-Zendesk-Webhook-Signature", Signatures.zendesk(SECRET, later, body)).build());

        // then
        assertThat(environment.published()).hasSize(2);
        assertThat(JSON.readTree(environment.published().get(0).event()).path("id"))
                .isEqualTo(JSON.readTree(environment.published().get(1).event()).path("id"));
    }

    @Test
    void should_answer_200_and_publish_nothing_when_zendesk_sends_a_user_event() throws Exception {
        // when
        HttpIngress.Response response = zendesk("zendesk/user-created-event.json");

        // then
        assertThat(response.status()).isEqualTo(200);
        assertThat(environment.published()).isEmpty();
    }

    private HttpIngress.Response github(String event, String fixture) throws Exception {
        source = new GitHubIssuesSourceFactory().create("github", options(GitHubIssuesSourceFactory.Options.class, "{topic: it.tickets, auth: {secret_env: SECRET}}"), environment);
        source.start();
        byte[] body = Fixtures.bytes(fixture);
        return post("/webhooks/github", Requests.post("/webhooks/github").body(body).header("Content-Type", "application/json")
                .header("X-GitHub-Event", event).header("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958")
                .header("X-Hub-Signature-256", Signatures.github(SECRET, body)).build());
    }

    @Test
    void should_publish_ticket_created_when_github_opens_an_issue() throws Exception {
        // when
        HttpIngress.Response response = github("issues", "github/issues-opened.json");

        // then
        assertThat(response.status()).isEqualTo(202);
        JsonNode event = onlyEvent("it.tickets");
        assertThat(event.path("type").asText()).isEqualTo("ticket.created");
        assertThat(event.path("source").asText()).isEqualTo("/helpdesk/github");
        assertThat(event.path("subject").asText()).isEqualTo("example-org/widgets#1347");
        assertThat(event.path("id").asText()).startsWith("github-").hasSize("github-".length() + 32);
        assertThat(event.path("data")).isEqualTo(JSON.readTree("""
                {"ticket_id": "example-org/widgets#1347", "subject": "CSV export produces an empty file",
                 "body": "Since 4.2 the CSV export of the project list downloads a 0-byte file.\\n\\nSteps: Projects > Export > CSV.",
                 "requester": {"name": "octo-reporter"}, "channel": "github", "priority": "high",
                 "tags": ["bug", "priority: high"], "url": "https://github.com/example-org/widgets/issues/1347", "status": "open"}"""));
    }

    @Test
    void should_publish_ticket_updated_with_the_highest_label_priority_when_github_labels_an_issue() throws Exception {
        // when
        HttpIngress.Response response = github("issues", "github/issues-labeled.json");

        // then
        assertThat(response.status()).isEqualTo(202);
        JsonNode data = onlyEvent("it.tickets").path("data");
        assertThat(data.path("priority").asText()).isEqualTo("urgent");
        assertThat(data.path("change").asText()).isEqualTo("labeled");
        assertThat(data.path("body").asText()).isEmpty();
    }

    @Test
    void should_answer_200_and_publish_nothing_when_github_pings() throws Exception {
        // when
        HttpIngress.Response response = github("ping", "github/ping.json");

        // then
        assertThat(response.status()).isEqualTo(200);
        assertThat(environment.published()).isEmpty();
    }

    private HttpIngress.Response freshdesk(String fixture, String event) throws Exception {
        source = new FreshdeskSourceFactory().create("freshdesk", options(FreshdeskSourceFactory.Options.class, "auth: {scheme: shared-secret, secret_env: SECRET}"), environment);
        source.start();
        Requests request = Requests.post("/webhooks/freshdesk").body(Fixtures.bytes(fixture)).header("Content-Type", "application/json; charset=utf-8")
                .header("Authorization", "Bearer " + SECRET);
        if (event != null) {
            request.query("event", event);
        }
        return post("/webhooks/freshdesk", request.build());
    }

    @Test
    void should_publish_ticket_created_with_text_body_when_freshdesk_posts_simple_content() throws Exception {
        // when
        HttpIngress.Response response = freshdesk("freshdesk/simple-ticket-created.json", null);

        // then
        assertThat(response.status()).isEqualTo(202);
        JsonNode event = onlyEvent("switchboard.events");
        assertThat(event.path("type").asText()).isEqualTo("ticket.created");
        assertThat(event.path("data")).isEqualTo(JSON.readTree("""
                {"ticket_id": "8812", "subject": "Invoice INV-2291 needs our VAT number",
                 "body": "Hi team,\\nplease re-issue INV-2291 with our VAT number DE123456789.\\nThanks!",
                 "requester": {"name": "Jonas Becker", "email": "jonas.becker@example.de"}, "channel": "email",
                 "priority": "normal", "tags": ["billing", "vat"], "url": "https://example.freshdesk.com/helpdesk/tickets/8812",
                 "status": "Open"}"""));
    }

    @Test
    void should_publish_ticket_updated_when_the_rule_url_says_updated() throws Exception {
        // when
        HttpIngress.Response response = freshdesk("freshdesk/advanced-ticket-updated.json", "updated");

        // then
        assertThat(response.status()).isEqualTo(202);
        JsonNode event = onlyEvent("switchboard.events");
        assertThat(event.path("type").asText()).isEqualTo("ticket.updated");
        assertThat(event.path("data").path("priority").asText()).isEqualTo("urgent");
        assertThat(event.path("data").path("channel").asText()).isEqualTo("portal");
        assertThat(event.path("data").path("tags")).isEqualTo(JSON.readTree("[\"integrations\", \"calendar\"]"));
    }

    @Test
    void should_answer_400_when_freshdesk_cannot_tell_which_event_fired() throws Exception {
        // given a body without created_at/updated_at and no ?event=
        source = new FreshdeskSourceFactory().create("freshdesk", options(FreshdeskSourceFactory.Options.class, "auth: {scheme: shared-secret, secret_env: SECRET}"), environment);
        source.start();

        // when
        HttpIngress.Response response = post("/webhooks/freshdesk", Requests.post("/webhooks/freshdesk")
                .json("{\"ticket\": {\"id\": 1, \"subject\": \"x\"}}").header("Authorization", "Bearer " + SECRET).build());

        // then
        assertThat(response.status()).isEqualTo(400);
        assertThat(new String(response.body())).contains("?event=created");
        assertThat(environment.published()).isEmpty();
    }

    private HttpIngress.Response jira(String fixture, String delivery) throws Exception {
        source = new JiraServiceManagementSourceFactory().create("jira", options(JiraServiceManagementSourceFactory.Options.class, "auth: {secret_env: SECRET}"), environment);
        source.start();
        byte[] body = Fixtures.bytes(fixture);
        long now = Instant.now().getEpochSecond();
        Requests request = Requests.post("/webhooks/jira").body(body).header("Content-Type", "application/json")
                .header("webhook-id", "msg_" + fixture).header("webhook-timestamp", Long.toString(now))
                .header("webhook-signature", Signatures.standardWebhooks(SECRET, "msg_" + fixture, now, body));
        if (delivery != null) {
            request.header("X-Atlassian-Webhook-Identifier", delivery);
        }
        return post("/webhooks/jira", request.build());
    }

    @Test
    void should_publish_ticket_created_keyed_by_issue_key_when_jira_creates_an_issue() throws Exception {
        // when
        HttpIngress.Response response = jira("jira/issue-created.json", "7f9a2c4e-0001");

        // then
        assertThat(response.status()).isEqualTo(202);
        JsonNode event = onlyEvent("switchboard.events");
        assertThat(event.path("id").asText()).isEqualTo("jira-7f9a2c4e-0001");
        assertThat(event.path("time").asText()).isEqualTo("2026-03-02T09:30:00Z");
        assertThat(event.path("data")).isEqualTo(JSON.readTree("""
                {"ticket_id": "SUP-42", "subject": "VPN drops every ten minutes",
                 "body": "Since Monday the VPN client disconnects every ten minutes.\\n\\n*Client:* 5.1.3",
                 "requester": {"name": "Priya Nair", "email": "priya.nair@example.com"}, "channel": "jira", "priority": "high",
                 "tags": ["network", "vpn"], "url": "https://example-help.atlassian.net/browse/SUP-42", "status": "Waiting for support"}"""));
        assertThat(environment.published().get(0).key()).isEqualTo("SUP-42");
    }

    @Test
    void should_flatten_the_document_format_when_jira_sends_an_update_with_adf() throws Exception {
        // when
        HttpIngress.Response response = jira("jira/issue-updated-adf.json", null);

        // then
        assertThat(response.status()).isEqualTo(202);
        JsonNode event = onlyEvent("switchboard.events");
        assertThat(event.path("type").asText()).isEqualTo("ticket.updated");
        assertThat(event.path("id").asText()).startsWith("jira-");
        assertThat(event.path("data").path("body").asText()).isEqualTo("Since Monday the VPN client disconnects.\nClient: 5.1.3");
        assertThat(event.path("data").path("priority").asText()).isEqualTo("urgent");
        assertThat(event.path("data").path("change").asText()).isEqualTo("issue_generic");
    }

    @Test
    void should_answer_200_and_publish_nothing_when_jira_sends_a_comment_event() throws Exception {
        // when
        HttpIngress.Response response = jira("jira/comment-created.json", null);

        // then
        assertThat(response.status()).isEqualTo(200);
        assertThat(environment.published()).isEmpty();
    }
}
