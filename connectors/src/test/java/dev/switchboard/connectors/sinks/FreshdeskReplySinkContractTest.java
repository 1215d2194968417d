package dev.switchboard.connectors.sinks;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.connectors.testkit.AbstractHttpTaskSinkContractTest;
import dev.switchboard.connectors.testkit.YamlOptions;
import dev.switchboard.schemas.Task;
import dev.switchboard.schemas.spi.DeliveryResult;
import dev.switchboard.schemas.spi.SinkFactory;
import dev.switchboard.schemas.spi.TaskSink;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * The sink contract for Freshdesk replies and notes (the task id in the comment, looked for first), and what
 * Freshdesk does its own way, with WireMock answering in the shapes of the Freshdesk API v2 documentation.
 */
class FreshdeskReplySinkContractTest extends AbstractHttpTaskSinkContractTest<FreshdeskReplySinkFactory.Options> {

    private static final String API_KEY = "fd8kQ2mZr7Lp4XwT9bN1";
    private static final String BASIC = Base64.getEncoder().encodeToString((API_KEY + ":X").getBytes(StandardCharsets.UTF_8));
    private static final String TICKET = "/api/v2/tickets/9120";
    private static final Pattern REFERENCE = Pattern.compile("Ref: (tsk_[0-9a-f]+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    protected SinkFactory<FreshdeskReplySinkFactory.Options> factory() {
        return new FreshdeskReplySinkFactory();
    }

    @Override
    protected String options(String baseUrl) {
        return """
                base_url: "%s"
                token_env: FRESHDESK_API_KEY
                """.formatted(baseUrl);
    }

    @Override
    protected Map<String, String> secrets(String baseUrl) {
        return Map.of("FRESHDESK_API_KEY", API_KEY);
    }

    /** The API key, and the Basic header value that carries it. */
    @Override
    protected Set<String> secrets() {
        return Set.of(API_KEY, BASIC);
    }

    @Override
    protected Task task(String eventId) {
        return SinkTesting.withFields(super.task(eventId), Map.of("freshdesk_ticket_id", "9120", "public", "true"));
    }

    @Override
    protected void answerSuccessfully() {
        destination.stubFor(get(urlPathEqualTo(TICKET + "/conversations")).willReturn(json(200, "[]")));
        destination.stubFor(post(urlEqualTo(TICKET + "/reply")).willReturn(json(201, """
                {"body": "<div>Customer asks for a refund.</div>", "body_text": "Customer asks for a refund.", "id": 162000123,
                 "incoming": false, "private": false, "user_id": 8000001, "support_email": "support@northwind.freshdesk.com",
                 "ticket_id": 9120, "to_emails": ["owen@pritchard-tools.example.com"], "created_at": "2026-11-02T16:20:00Z"}""")));
        destination.stubFor(post(urlEqualTo(TICKET + "/notes")).willReturn(json(201, """
                {"body": "<div>Note</div>", "body_text": "Note", "id": 162000124, "incoming": false, "private": true,
                 "user_id": 8000001, "ticket_id": 9120, "created_at": "2026-11-02T16:20:00Z"}""")));
    }

    @Override
    protected String errorBody(String message) {
        return "{\"code\": \"invalid_value\", \"message\": \"" + message + "\"}";
    }

    /** The task id in the reference line of each comment posted. */
    @Override
    protected List<String> idempotencyKeysReceived() {
        return requestsReceived().stream().filter(request -> request.getMethod().getName().equals("POST")).map(request -> {
            try {
                Matcher id = REFERENCE.matcher(JSON.readTree(request.getBodyAsString()).path("body").asText());
                return id.find() ? id.group(1) : null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).toList();
    }

    // --- what Freshdesk does its own way ---

    @Test
    void should_look_first_then_post_a_reply_as_escaped_html_when_no_conversation_carries_the_task_id() {
        // given
        Task task = task("evt-freshdesk-1");

        // when
        DeliveryResult result = sink.deliver(task);

        // then
        assertThat(result).isEqualTo(new DeliveryResult.Delivered("Freshdesk conversation 162000123 on ticket 9120 (HTTP 201)"));
        destination.verify(getRequestedFor(urlEqualTo(TICKET + "/conversations?per_page=100&page=1"))
                .withHeader("Authorization", equalTo("Basic " + BASIC)));
        destination.verify(postRequestedFor(urlEqualTo(TICKET + "/reply"))
                .withHeader("Authorization", equalTo("Basic " + BASIC))
                .withRequestBody(equalToJson("""
                        {"body": "<div>Customer asks for a refund.<br>Order &lt;1234&gt;</div><p style=\\"color:#8a8a8a;font-size:11px\\">Ref: %s</p>"}"""
                        .formatted(task.id()))));
    }

    @Test
    void should_post_a_private_note_when_public_is_false() {
        // given
        Task task = SinkTesting.withFields(task("evt-freshdesk-2"), Map.of("public", "false"));

        // when
        DeliveryResult result = sink.deliver(task);

        // then
        assertThat(result).isEqualTo(new DeliveryResult.Delivered("Freshdesk note 162000124 on ticket 9120 (HTTP 201)"));
        destination.verify(postRequestedFor(urlEqualTo(TICKET + "/notes")).withRequestBody(equalToJson("""
                {"body": "${json-unit.any-string}", "private": true}""")));
        destination.verify(0, postRequestedFor(urlEqualTo(TICKET + "/reply")));
    }

    @Test
    void should_report_delivered_without_posting_when_a_later_page_of_conversations_carries_the_task_id() {
        // given a first page full of other conversations, and the task's reply on the second
        Task task = task("evt-freshdesk-3");
        String others = IntStream.range(0, FreshdeskReplySink.PAGE)
                .mapToObj(i -> "{\"id\": " + (1000 + i) + ", \"body\": \"<div>Other</div>\", \"body_text\": \"Other\", \"private\": false}")
                .collect(Collectors.joining(",", "[", "]"));
        destination.stubFor(get(urlEqualTo(TICKET + "/conversations?per_page=100&page=1")).atPriority(1).willReturn(json(200, others)));
        destination.stubFor(get(urlEqualTo(TICKET + "/conversations?per_page=100&page=2")).atPriority(1).willReturn(json(200,
                "[{\"id\": 162000999, \"body\": \"<div>Hello</div><p>Ref: " + task.id() + "</p>\", \"body_text\": \"Hello Ref: "
                        + task.id() + "\", \"private\": false}]")));

        // when
        DeliveryResult result = sink.deliver(task);

        // then
        assertThat(result).isEqualTo(new DeliveryResult.Delivered("Freshdesk ticket 9120 already has conversation 162000999 of task " + task.id()));
        destination.verify(0, postRequestedFor(urlPathEqualTo(TICKET + "/reply")));
    }

    @Test
    void should_post_without_looking_when_deduplicate_is_off() {
        // given
        FreshdeskReplySinkFactory.Options options = YamlOptions.bind(FreshdeskReplySinkFactory.Options.class,
                "base_url: \"" + baseUrl() + "\"\ntoken_env: FRESHDESK_API_KEY\ndeduplicate: false\n");

        // when
        DeliveryResult result;
        try (TaskSink unchecked = factory().create("replies", options, environment())) {
            result = unchecked.deliver(task("evt-freshdesk-4"));
        }

        // then
        assertThat(result).isInstanceOf(DeliveryResult.Delivered.class);
        destination.verify(0, getRequestedFor(urlPathEqualTo(TICKET + "/conversations")));
    }

    @Test
    void should_reject_with_each_field_error_when_freshdesk_fails_validation() {
        // given
        destination.stubFor(post(urlEqualTo(TICKET + "/reply")).atPriority(1).willReturn(json(400, """
                {"description": "Validation failed",
                 "errors": [{"field": "body", "message": "It should not be blank as this is a mandatory field", "code": "missing_field"}]}""")));

        // when
        DeliveryResult result = sink.deliver(task("evt-freshdesk-5"));

        // then
        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Rejected.class, rejected -> assertThat(rejected.reason())
                .contains("HTTP 400", "Validation failed; body: It should not be blank as this is a mandatory field [missing_field]"));
    }

    @Test
    void should_reject_without_calling_freshdesk_when_the_task_names_no_ticket() {
        // when
        DeliveryResult result = sink.deliver(super.task("evt-freshdesk-6"));

        // then
        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Rejected.class, rejected -> assertThat(rejected.reason())
                .startsWith("Task field freshdesk_ticket_id is missing"));
        assertThat(requestsReceived()).isEmpty();
    }
}
