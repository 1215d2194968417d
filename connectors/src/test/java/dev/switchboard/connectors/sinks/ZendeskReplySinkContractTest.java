package dev.switchboard.connectors.sinks;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.switchboard.connectors.testkit.AbstractHttpTaskSinkContractTest;
import dev.switchboard.connectors.testkit.YamlOptions;
import dev.switchboard.schemas.Task;
import dev.switchboard.schemas.options.OptionProblem;
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
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The sink contract for Zendesk ticket comments (the task id as a ticket tag, under safe update), and what
 * Zendesk does its own way, with WireMock answering in the shapes of the Support API's documentation.
 */
class ZendeskReplySinkContractTest extends AbstractHttpTaskSinkContractTest<ZendeskReplySinkFactory.Options> {

    private static final String TOKEN = "zd_9Hq2Lr7TbX4mN1pV8sK3wE6yU0aZ";
    private static final String EMAIL = "copilot@northwind.example.com";
    private static final String BASIC = Base64.getEncoder().encodeToString((EMAIL + "/token:" + TOKEN).getBytes(StandardCharsets.UTF_8));
    private static final String TICKET = "/api/v2/tickets/48210";
    private static final String UPDATED_AT = "2026-11-02T12:05:17Z";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    protected SinkFactory<ZendeskReplySinkFactory.Options> factory() {
        return new ZendeskReplySinkFactory();
    }

    @Override
    protected String options(String baseUrl) {
        return """
                base_url: "%s"
                email: %s
                token_env: ZENDESK_API_TOKEN
                """.formatted(baseUrl, EMAIL);
    }

    @Override
    protected Map<String, String> secrets(String baseUrl) {
        return Map.of("ZENDESK_API_TOKEN", TOKEN);
    }

    /** The token, and the Basic header value that carries it. */
    @Override
    protected Set<String> secrets() {
        return Set.of(TOKEN, BASIC);
    }

    @Override
    protected Task task(String eventId) {
        return SinkTesting.withFields(super.task(eventId), Map.of("zendesk_ticket_id", "48210", "public", "true"));
    }

    @Override
    protected void answerSuccessfully() {
        destination.stubFor(get(urlEqualTo(TICKET)).willReturn(json(200, ticket("\"invoice\""))));
        destination.stubFor(put(urlEqualTo(TICKET)).willReturn(json(200, """
                {"ticket": {"id": 48210, "status": "open", "tags": ["invoice"], "updated_at": "2026-11-02T12:06:02Z"},
                 "audit": {"id": 9120341, "ticket_id": 48210, "created_at": "2026-11-02T12:06:02Z",
                           "events": [{"id": 9120342, "type": "Comment", "public": true}]}}""")));
    }

    @Override
    protected String errorBody(String message) {
        return "{\"error\": \"RecordInvalid\", \"description\": \"" + message + "\"}";
    }

    /** The task ids in the switchboard tags of each update received. */
    @Override
    protected List<String> idempotencyKeysReceived() {
        return requestsReceived().stream().filter(request -> request.getMethod().getName().equals("PUT")).map(request -> {
            try {
                JsonNode tags = JSON.readTree(request.getBodyAsString()).path("ticket").path("tags");
                return StreamSupport.stream(tags.spliterator(), false).map(JsonNode::asText)
                        .filter(tag -> tag.startsWith(ZendeskReplySink.TAG_PREFIX))
                        .map(tag -> tag.substring(ZendeskReplySink.TAG_PREFIX.length())).findFirst().orElse(null);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).toList();
    }

    private static String ticket(String tags) {
        return """
                {"ticket": {"id": 48210, "url": "https://northwind.zendesk.com/api/v2/tickets/48210.json",
                            "subject": "Where do I download our invoices for Q3?", "status": "open", "priority": "normal",
                            "requester_id": 20978392, "tags": [%s], "created_at": "2026-11-02T12:05:17Z", "updated_at": "%s"}}"""
                .formatted(tags, UPDATED_AT);
    }

    // --- what Zendesk does its own way ---

    @Test
    void should_put_the_comment_with_the_task_tag_under_safe_update_when_the_ticket_lacks_the_tag() {
        // given
        Task task = SinkTesting.withFields(task("evt-zendesk-1"), Map.of("status", "solved"));

        // when
        DeliveryResult result = sink.deliver(task);

        // then the ticket is read, then updated at the updated_at read, with the tags read plus the task's
        assertThat(result).isEqualTo(new DeliveryResult.Delivered("Zendesk ticket 48210 has the comment (audit 9120341) (HTTP 200)"));
        destination.verify(getRequestedFor(urlEqualTo(TICKET)).withHeader("Authorization", equalTo("Basic " + BASIC)));
        destination.verify(putRequestedFor(urlEqualTo(TICKET))
                .withHeader("Authorization", equalTo("Basic " + BASIC))
                .withRequestBody(equalToJson("""
                        {"ticket": {"comment": {"body": "Customer asks for a refund.\\nOrder <1234>", "public": true},
                                    "tags": ["invoice", "switchboard_%s"], "status": "solved",
                                    "safe_update": true, "updated_stamp": "%s"}}""".formatted(task.id(), UPDATED_AT))));
    }

    @Test
    void should_report_delivered_without_an_update_when_the_ticket_carries_the_task_tag() {
        // given a ticket updated by an earlier delivery of the task
        Task task = task("evt-zendesk-2");
        destination.stubFor(get(urlEqualTo(TICKET)).atPriority(1)
                .willReturn(json(200, ticket("\"invoice\", \"" + ZendeskReplySink.tag(task) + "\""))));

        // when
        DeliveryResult result = sink.deliver(task);

        // then
        assertThat(result).isEqualTo(new DeliveryResult.Delivered("Zendesk ticket 48210 already has the public reply of task " + task.id()));
        destination.verify(0, putRequestedFor(urlEqualTo(TICKET)));
    }

    @Test
    void should_retry_then_find_the_tag_when_a_concurrent_update_made_zendesk_refuse_the_stale_one() {
        // given Zendesk refuses the first update (the ticket changed since it was read: a copy of the task went first)
        Task task = task("evt-zendesk-3");
        destination.stubFor(get(urlEqualTo(TICKET)).atPriority(1).inScenario("race").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(json(200, ticket("\"invoice\""))));
        destination.stubFor(put(urlEqualTo(TICKET)).atPriority(1).inScenario("race").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(json(409, "{\"error\": \"UpdateConflict\", \"description\": \"The ticket was updated by another request\"}"))
                .willSetStateTo("copy delivered"));
        destination.stubFor(get(urlEqualTo(TICKET)).atPriority(1).inScenario("race").whenScenarioStateIs("copy delivered")
                .willReturn(json(200, ticket("\"invoice\", \"" + ZendeskReplySink.tag(task) + "\""))));

        // when
        DeliveryResult first = sink.deliver(task);
        DeliveryResult second = sink.deliver(task);

        // then
        assertThat(first).isInstanceOfSatisfying(DeliveryResult.Retry.class, retry -> assertThat(retry.reason())
                .contains("changed since it was read", "HTTP 409", "The ticket was updated by another request"));
        assertThat(second).isInstanceOf(DeliveryResult.Delivered.class);
        destination.verify(1, putRequestedFor(urlEqualTo(TICKET)));
    }

    @Test
    void should_reject_with_zendesk_message_when_the_ticket_is_closed() {
        // given
        destination.stubFor(put(urlEqualTo(TICKET)).atPriority(1).willReturn(json(422, """
                {"error": "RecordInvalid", "description": "Record validation errors",
                 "details": {"status": [{"description": "Status: closed prevents ticket update"}]}}""")));

        // when
        DeliveryResult result = sink.deliver(task("evt-zendesk-4"));

        // then
        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Rejected.class, rejected -> assertThat(rejected.reason())
                .contains("HTTP 422", "Record validation errors; status: Status: closed prevents ticket update [RecordInvalid]"));
    }

    @Test
    void should_add_a_private_note_with_a_bearer_token_when_public_is_not_set_and_no_email_is_given() {
        // given an OAuth access token, and a task that does not ask for a public reply
        ZendeskReplySinkFactory.Options options = YamlOptions.bind(ZendeskReplySinkFactory.Options.class,
                "base_url: \"" + baseUrl() + "\"\ntoken_env: ZENDESK_API_TOKEN\nauthor_id: 3903951\n");
        Task task = SinkTesting.withFields(super.task("evt-zendesk-5"), Map.of("zendesk_ticket_id", 48210));

        // when
        DeliveryResult result;
        try (TaskSink oauth = factory().create("notes", options, environment())) {
            result = oauth.deliver(task);
        }

        // then
        assertThat(result).isInstanceOf(DeliveryResult.Delivered.class);
        destination.verify(putRequestedFor(urlEqualTo(TICKET))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .withRequestBody(equalToJson("""
                        {"ticket": {"comment": {"body": "Customer asks for a refund.\\nOrder <1234>", "public": false, "author_id": 3903951},
                                    "tags": ["invoice", "%s"], "safe_update": true, "updated_stamp": "%s"}}"""
                        .formatted(ZendeskReplySink.tag(task), UPDATED_AT))));
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
            "zendesk_ticket_id, '', Task field zendesk_ticket_id is missing",
            "zendesk_ticket_id, INC-12, Task field zendesk_ticket_id must be a ticket id (a whole number), got 'INC-12'",
            "public, yes, Task field public must be true or false, got 'yes'",
            "status, closed, 'Task field status must be one of [hold, open, pending, solved], got ''closed'''"})
    void should_reject_without_calling_zendesk_when_a_task_field_is_wrong(String field, String value, String message) {
        // given
        Task task = SinkTesting.withFields(task("evt-zendesk-fields"), Map.of(field, value));

        // when
        DeliveryResult result = sink.deliver(task);

        // then
        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Rejected.class, rejected -> assertThat(rejected.reason()).startsWith(message));
        assertThat(requestsReceived()).isEmpty();
    }

    @Test
    void should_report_the_email_at_its_path_when_it_is_not_an_address() {
        // given
        ZendeskReplySinkFactory.Options options = YamlOptions.bind(ZendeskReplySinkFactory.Options.class,
                "base_url: \"" + baseUrl() + "\"\nemail: copilot\ntoken_env: ZENDESK_API_TOKEN\n");

        // when
        List<OptionProblem> problems = factory().check(options, environment());

        // then
        assertThat(problems).singleElement().satisfies(problem -> assertThat(problem.path()).isEqualTo("email"))
                .asString().isEqualTo("Invalid email at email: got 'copilot', expected the email address of the agent who owns the API token, "
                        + "e.g. copilot@example.com. Leave it out for an OAuth access token");
    }
}
