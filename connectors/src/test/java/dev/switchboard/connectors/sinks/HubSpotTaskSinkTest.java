package dev.switchboard.connectors.sinks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.switchboard.connectors.testkit.YamlOptions;
import dev.switchboard.schemas.Task;
import dev.switchboard.schemas.spi.DeliveryResult;
import dev.switchboard.schemas.spi.TaskSink;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Contract test: HubSpot's CRM v3 tasks API as documented, played by WireMock. */
class HubSpotTaskSinkTest {

    private static final String TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555";
    private static final String PATH = "/crm/v3/objects/tasks";

    @RegisterExtension
    static WireMockExtension hubspot = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @TempDir
    Path dir;

    @Test
    void should_create_task_with_mapped_properties_and_associations_when_hubspot_answers_201() {
        // given
        hubspot.stubFor(post(PATH).willReturn(created("512")));
        Task task = SinkTesting.withOwner(SinkTesting.task("evt-1", Map.of(
                "hubspot_contact_id", "101", "hubspot_company_id", 2002.0, "hubspot_deal_id", "3003", "hubspot_ticket_id", "4004")), "64492917");

        // when
        DeliveryResult result = deliver(options("token_env: HUBSPOT_TOKEN"), task);

        // then
        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Delivered.class, delivered ->
                assertThat(delivered.detail()).contains("HubSpot task 512"));
        hubspot.verify(1, postRequestedFor(urlEqualTo(PATH))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("""
                        {
                          "properties": {
                            "hs_task_subject": "Refund request for order 1234",
                            "hs_task_body": "Customer asks for a refund.<br>Order &lt;1234&gt; — &quot;ünïcödé&quot; &amp; more",
                            "hs_timestamp": "2026-11-03T12:00:00Z",
                            "hs_task_priority": "HIGH",
                            "hs_task_status": "NOT_STARTED",
                            "hs_task_type": "TODO",
                            "hubspot_owner_id": "64492917",
                            "switchboard_task_id": "%s"
                          },
                          "associations": [
                            {"to": {"id": "101"}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 204}]},
                            {"to": {"id": "2002"}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 192}]},
                            {"to": {"id": "3003"}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 216}]},
                            {"to": {"id": "4004"}, "types": [{"associationCategory": "HUBSPOT_DEFINED", "associationTypeId": 230}]}
                          ]
                        }
                        """.formatted(task.id()))));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"low, LOW", "normal, MEDIUM", "high, HIGH", "urgent, HIGH", "whatever, MEDIUM"})
    void should_map_priority_when_task_has_one(String priority, String hubspotPriority) {
        // given
        hubspot.stubFor(post(PATH).willReturn(created("513")));

        // when
        deliver(options("token_env: HUBSPOT_TOKEN"), SinkTesting.withDue(SinkTesting.task("evt-priority"), "2026-11-03T15:30:00+02:00", priority));

        // then
        hubspot.verify(postRequestedFor(urlEqualTo(PATH))
                .withRequestBody(matchingJsonPath("$.properties.hs_task_priority", equalTo(hubspotPriority)))
                .withRequestBody(matchingJsonPath("$.properties.hs_timestamp", equalTo("2026-11-03T13:30:00Z"))));
    }

    @Test
    void should_use_default_owner_and_creation_time_when_owner_is_an_email_and_no_due_date() {
        // given
        hubspot.stubFor(post(PATH).willReturn(created("514")));
        Task task = SinkTesting.withDue(SinkTesting.withOwner(SinkTesting.task("evt-owner"), "agent@example.com"), null, "normal");

        // when
        deliver(options("""
                token_env: HUBSPOT_TOKEN
                id_property: ops_task_id
                task_type: CALL
                default_owner_id: "777"
                """), task);

        // then
        hubspot.verify(postRequestedFor(urlEqualTo(PATH))
                .withRequestBody(matchingJsonPath("$.properties.hubspot_owner_id", equalTo("777")))
                .withRequestBody(matchingJsonPath("$.properties.hs_task_type", equalTo("CALL")))
                .withRequestBody(matchingJsonPath("$.properties.ops_task_id", equalTo(task.id())))
                .withRequestBody(matchingJsonPath("$.properties.hs_timestamp", equalTo("2026-11-02T09:00:00Z")))
                .withRequestBody(matchingJsonPath("$.associations.length()", equalTo("0"))));
    }

    @Test
    void should_report_delivered_when_hubspot_answers_409_because_the_task_id_exists() {
        // given the unique property already holds this task id
        hubspot.stubFor(post(PATH).willReturn(error(409, """
                {"status":"error","message":"Object already exists. Existing ID: 512","correlationId":"4a3c1ce5-8d4c-4b7d-9a1d-0e7b1c1c2f3a","category":"CONFLICT"}
                """)));

        // when
        DeliveryResult result = deliver(options("token_env: HUBSPOT_TOKEN"), SinkTesting.task("evt-dup"));

        // then
        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Delivered.class, delivered ->
                assertThat(delivered.detail()).contains("already has").contains("512"));
    }

    @Test
    void should_report_delivered_when_hubspot_says_the_unique_property_already_has_that_value() {
        // given
        hubspot.stubFor(post(PATH).willReturn(error(400, """
                {"status":"error","message":"Property values were not valid: [{\\"isValid\\":false,\\"message\\":\\"tsk_... already has that value\\",\\"error\\":\\"INVALID_UNIQUE_VALUE\\",\\"name\\":\\"switchboard_task_id\\"}]","correlationId":"b6881283-187e-4088-a778-5c933a14547c","category":"VALIDATION_ERROR"}
                """)));

        // when
        DeliveryResult result = deliver(options("token_env: HUBSPOT_TOKEN"), SinkTesting.task("evt-dup-400"));

        // then
        assertThat(result).isInstanceOf(DeliveryResult.Delivered.class);
    }

    static Stream<Arguments> clientErrors() {
        return Stream.of(
                Arguments.of(400, """
                        {"status":"error","message":"Property values were not valid: [{\\"isValid\\":false,\\"message\\":\\"Property \\\\\\"switchboard_task_id\\\\\\" does not exist\\",\\"error\\":\\"PROPERTY_DOESNT_EXIST\\",\\"name\\":\\"switchboard_task_id\\"}]","correlationId":"aeb5f871-7f07-4993-9211-075dc63e7cbf","category":"VALIDATION_ERROR"}
                        """, "PROPERTY_DOESNT_EXIST"),
                Arguments.of(401, """
                        {"status":"error","message":"Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview","correlationId":"a1b2c3d4-e5f6-7890-abcd-ef1234567890","category":"INVALID_AUTHENTICATION"}
                        """, "Authentication credentials not found"),
                Arguments.of(403, """
                        {"status":"error","message":"This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.","correlationId":"0b5e4a4e-3c6f-4d8c-9a7e-1f2d3c4b5a69","category":"MISSING_SCOPES","errors":[{"message":"One or more of the following scopes are required.","context":{"requiredGranularScopes":["crm.objects.contacts.write"]}}]}
                        """, "hasn't been granted all required scopes"),
                Arguments.of(404, """
                        {"status":"error","message":"Resource not found","correlationId":"7f0e7a56-0d8b-4c57-a8c0-4c3b5c8e2f11","category":"OBJECT_NOT_FOUND"}
                        """, "Resource not found"));
    }

    @ParameterizedTest(name = "HTTP {0}")
    @MethodSource("clientErrors")
    void should_reject_with_hubspot_message_when_hubspot_answers_client_error(int status, String body, String expected) {
        // given
        hubspot.stubFor(post(PATH).willReturn(error(status, body)));

        // when
        DeliveryResult result = deliver(options("token_env: HUBSPOT_TOKEN"), SinkTesting.task("evt-" + status));

        // then
        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Rejected.class, rejected -> assertThat(rejected.reason())
                .contains("HTTP " + status)
                .contains(expected)
                .contains("correlationId")
                .doesNotContain(TOKEN)
                .doesNotContain("\"status\":\"error\""));
    }

    @Test
    void should_retry_after_given_seconds_when_hubspot_answers_429() {
        // given HubSpot's ten-secondly limit
        hubspot.stubFor(post(PATH).willReturn(aResponse().withStatus(429).withHeader("Content-Type", "application/json")
                .withHeader("Retry-After", "2")
                .withBody("""
                        {"status":"error","message":"You have reached your ten_secondly_rolling limit.","errorType":"RATE_LIMIT","correlationId":"c033cdaa-2c40-4a64-ae48-b4cec88dad24","policyName":"TEN_SECONDLY_ROLLING","groupName":"publicapi:private-app:1234"}
                        """)));

        // when
        DeliveryResult result = deliver(options("token_env: HUBSPOT_TOKEN"), SinkTesting.task("evt-429"));

        // then
        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Retry.class, retry -> {
            assertThat(retry.reason()).contains("HTTP 429").contains("ten_secondly_rolling limit");
            assertThat(retry.retryAfter()).isEqualTo(Duration.ofSeconds(2));
        });
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {500, 502, 503, 504})
    void should_retry_when_hubspot_answers_server_error(int status) {
        // given
        hubspot.stubFor(post(PATH).willReturn(aResponse().withStatus(status).withBody("<html>Bad gateway</html>")));

        // when
        DeliveryResult result = deliver(options("token_env: HUBSPOT_TOKEN"), SinkTesting.task("evt-5xx"));

        // then
        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Retry.class, retry ->
                assertThat(retry.reason()).contains("HTTP " + status).contains("Bad gateway"));
    }

    @Test
    void should_read_token_from_file_at_each_request_when_token_file_is_set() throws IOException {
        // given
        hubspot.stubFor(post(PATH).willReturn(created("515")));
        Path tokenFile = Files.writeString(dir.resolve("hubspot-token"), "first-token\n");
        HubSpotTaskSinkFactory.Options options = options("token_file: hubspot-token");
        try (TaskSink sink = new HubSpotTaskSinkFactory().create("hubspot", options, environment())) {
            // when the token is rotated between two deliveries
            sink.deliver(SinkTesting.task("evt-a"));
            Files.writeString(tokenFile, "second-token");
            sink.deliver(SinkTesting.task("evt-b"));
        }

        // then
        hubspot.verify(1, postRequestedFor(urlEqualTo(PATH)).withHeader("Authorization", equalTo("Bearer first-token")));
        hubspot.verify(1, postRequestedFor(urlEqualTo(PATH)).withHeader("Authorization", equalTo("Bearer second-token")));
    }

    @Test
    void should_report_each_problem_when_options_are_wrong() {
        // given no token, a host that is not allowed, and an email as owner id
        HubSpotTaskSinkFactory.Options options = YamlOptions.bind(HubSpotTaskSinkFactory.Options.class, """
                id_property: Bad-Name
                default_owner_id: ann@example.com
                """);

        // when
        List<String> problems = messages(new HubSpotTaskSinkFactory().check(options, environment()));

        // then
        assertThat(problems).hasSize(4);
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("'api.hubapi.com:443' is not in outbound.allowed_hosts"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("Missing secret at token_env"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("at id_property"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("at default_owner_id"));
    }

    @Test
    void should_report_no_problem_when_options_are_valid() {
        // when
        List<String> problems = messages(new HubSpotTaskSinkFactory().check(options("token_env: HUBSPOT_TOKEN"), environment()));

        // then
        assertThat(problems).isEmpty();
    }

    private DeliveryResult deliver(HubSpotTaskSinkFactory.Options options, Task task) {
        try (TaskSink sink = new HubSpotTaskSinkFactory().create("hubspot", options, environment())) {
            return sink.deliver(task);
        }
    }

    /** The options the YAML writes, on the stand-in's base URL with a 5-second timeout. */
    private static HubSpotTaskSinkFactory.Options options(String yaml) {
        return YamlOptions.bind(HubSpotTaskSinkFactory.Options.class, yaml.strip() + "\nbase_url: " + baseUrl() + "\ntimeout_seconds: 5\n");
    }

    private static String baseUrl() {
        return "http://127.0.0.1:" + hubspot.getPort();
    }

    private SinkTesting.Environment environment() {
        return SinkTesting.Environment.of(dir, Set.of("127.0.0.1:" + hubspot.getPort()), Map.of("HUBSPOT_TOKEN", TOKEN));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder created(String id) {
        return aResponse().withStatus(201).withHeader("Content-Type", "application/json;charset=utf-8").withBody("""
                {"id":"%s","properties":{"createdate":"2026-11-02T09:00:01.204Z","hs_lastmodifieddate":"2026-11-02T09:00:01.204Z","hs_object_id":"%s","hs_task_priority":"HIGH","hs_task_status":"NOT_STARTED","hs_task_subject":"Refund request for order 1234","hs_timestamp":"2026-11-03T12:00:00Z"},"createdAt":"2026-11-02T09:00:01.204Z","updatedAt":"2026-11-02T09:00:01.204Z","archived":false}
                """.formatted(id, id));
    }

    private static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder error(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json;charset=utf-8").withBody(body);
    }

    private static List<String> messages(List<dev.switchboard.schemas.options.OptionProblem> problems) {
        return problems.stream().map(Object::toString).toList();
    }
}
