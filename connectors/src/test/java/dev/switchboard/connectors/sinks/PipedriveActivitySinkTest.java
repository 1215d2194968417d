package dev.switchboard.connectors.sinks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.switchboard.connectors.testkit.YamlOptions;
import dev.switchboard.schemas.Task;
import dev.switchboard.schemas.spi.DeliveryResult;
import dev.switchboard.schemas.spi.TaskSink;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Contract test: Pipedrive's activities API (v1) as documented, played by WireMock. */
class PipedriveActivitySinkTest {

    private static final String TOKEN = "659c9fddb16335e48cc67114694b52074e812e03";
    private static final String PATH = "/api/v1/activities";
    private static final String EMPTY_DAY = """
            {"success":true,"data":null,"additional_data":{"pagination":{"start":0,"limit":500,"more_items_in_collection":false}}}
            """;

    @RegisterExtension
    static WireMockExtension pipedrive = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @TempDir
    Path dir;

    @Test
    void should_look_first_then_create_linked_activity_when_no_activity_carries_the_task_id() {
        // given
        pipedrive.stubFor(get(urlPathEqualTo(PATH)).willReturn(json(200, EMPTY_DAY)));
        pipedrive.stubFor(post(PATH).willReturn(json(201, """
                {"success":true,"data":{"id":8,"company_id":22122,"user_id":1234567,"done":false,"type":"task","due_date":"2026-11-03","due_time":"","subject":"Refund request for order 1234","person_id":1101,"org_id":2202,"deal_id":3303,"add_time":"2026-11-02 09:00:01","active_flag":true},"additional_data":{"updates_story_id":1},"related_objects":{}}
                """)));
        Task task = SinkTesting.withOwner(SinkTesting.task("evt-1", Map.of(
                "pipedrive_person_id", 1101, "pipedrive_org_id", "2202", "pipedrive_deal_id", 3303.0)), "1234567");

        // when
        DeliveryResult result = deliver(options(true), task);

        // then
        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Delivered.class, delivered ->
                assertThat(delivered.detail()).contains("Pipedrive activity 8"));
        pipedrive.verify(1, getRequestedFor(urlEqualTo(PATH + "?type=task&start_date=2026-11-03&end_date=2026-11-03&start=0&limit=500&user_id=1234567"))
                .withHeader("x-api-token", equalTo(TOKEN)));
        pipedrive.verify(1, postRequestedFor(urlEqualTo(PATH))
                .withHeader("x-api-token", equalTo(TOKEN))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("""
                        {
                          "subject": "Refund request for order 1234",
                          "type": "task",
                          "due_date": "2026-11-03",
                          "note": "Customer asks for a refund.<br>Order &lt;1234&gt; — &quot;ünïcödé&quot; &amp; more<br><br>Switchboard task %s · priority high",
                          "user_id": 1234567,
                          "person_id": 1101,
                          "org_id": 2202,
                          "deal_id": 3303
                        }
                        """.formatted(task.id()))));
        // the token travels in the header only, never in a URL
        assertThat(pipedrive.findAll(anyRequestedFor(anyUrl()))).extracting(LoggedRequest::getUrl)
                .allSatisfy(url -> assertThat(url).doesNotContain("api_token").doesNotContain(TOKEN));
    }

    @Test
    void should_send_due_time_in_utc_when_due_date_has_a_time() {
        // given
        pipedrive.stubFor(get(urlPathEqualTo(PATH)).willReturn(json(200, EMPTY_DAY)));
        pipedrive.stubFor(post(PATH).willReturn(json(201, "{\"success\":true,\"data\":{\"id\":9}}")));

        // when
        deliver(options(true), SinkTesting.withDue(SinkTesting.task("evt-time"), "2026-11-03T17:45:00+01:00", "normal"));

        // then
        pipedrive.verify(postRequestedFor(urlEqualTo(PATH)).withRequestBody(equalToJson("""
                {"due_date": "2026-11-03", "due_time": "16:45"}
                """, true, true)));
    }

    @Test
    void should_report_delivered_without_creating_when_an_activity_of_the_day_carries_the_task_id() {
        // given a second page holds the activity made by an earlier attempt
        Task task = SinkTesting.task("evt-dup");
        pipedrive.stubFor(get(urlEqualTo(PATH + "?type=task&start_date=2026-11-03&end_date=2026-11-03&start=0&limit=500")).willReturn(json(200, """
                {"success":true,"data":[{"id":5,"type":"task","subject":"Other","note":"Someone else's"}],
                 "additional_data":{"pagination":{"start":0,"limit":500,"more_items_in_collection":true,"next_start":500}}}
                """)));
        pipedrive.stubFor(get(urlEqualTo(PATH + "?type=task&start_date=2026-11-03&end_date=2026-11-03&start=500&limit=500")).willReturn(json(200, """
                {"success":true,"data":[{"id":8,"type":"task","subject":"Refund request for order 1234","note":"Customer asks...<br><br>Switchboard task %s"}],
                 "additional_data":{"pagination":{"start":500,"limit":500,"more_items_in_collection":false}}}
                """.formatted(task.id()))));

        // when
        DeliveryResult result = deliver(options(true), task);

        // then
        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Delivered.class, delivered ->
                assertThat(delivered.detail()).contains("already has activity 8"));
        pipedrive.verify(0, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void should_create_without_looking_when_deduplicate_is_off() {
        // given
        pipedrive.stubFor(post(PATH).willReturn(json(201, "{\"success\":true,\"data\":{\"id\":10}}")));

        // when
        DeliveryResult result = deliver(options(false), SinkTesting.task("evt-nodedup"));

        // then
        assertThat(result).isInstanceOf(DeliveryResult.Delivered.class);
        pipedrive.verify(0, getRequestedFor(urlPathEqualTo(PATH)));
    }

    static Stream<Arguments> clientErrors() {
        return Stream.of(
                Arguments.of(400, """
                        {"success":false,"error":"Subject is required.","error_info":"Please check developers.pipedrive.com for more information about Pipedrive API.","data":null,"additional_data":null}
                        """, "Subject is required."),
                Arguments.of(401, """
                        {"success":false,"error":"unauthorized access","errorCode":401,"error_info":"Please check developers.pipedrive.com for more information about Pipedrive API."}
                        """, "unauthorized access"),
                Arguments.of(403, """
                        {"success":false,"error":"You do not have permissions to perform this action","errorCode":403,"error_info":"Please check developers.pipedrive.com for more information about Pipedrive API."}
                        """, "You do not have permissions"),
                Arguments.of(404, """
                        {"success":false,"error":"Deal not found","error_info":"Please check developers.pipedrive.com for more information about Pipedrive API.","data":null,"additional_data":null}
                        """, "Deal not found"));
    }

    @ParameterizedTest(name = "HTTP {0}")
    @MethodSource("clientErrors")
    void should_reject_with_pipedrive_message_when_pipedrive_answers_client_error(int status, String body, String expected) {
        // given
        pipedrive.stubFor(post(PATH).willReturn(json(status, body)));

        // when
        DeliveryResult result = deliver(options(false), SinkTesting.task("evt-" + status));

        // then
        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Rejected.class, rejected -> assertThat(rejected.reason())
                .contains("HTTP " + status)
                .contains(expected)
                .contains("developers.pipedrive.com")
                .doesNotContain(TOKEN));
    }

    @Test
    void should_reject_the_look_up_with_pipedrive_message_when_the_token_is_wrong() {
        // given
        pipedrive.stubFor(get(urlPathEqualTo(PATH)).willReturn(json(401, """
                {"success":false,"error":"unauthorized access","errorCode":401,"error_info":"Please check developers.pipedrive.com for more information about Pipedrive API."}
                """)));

        // when
        DeliveryResult result = deliver(options(true), SinkTesting.task("evt-401-get"));

        // then
        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Rejected.class, rejected ->
                assertThat(rejected.reason()).contains("unauthorized access"));
        pipedrive.verify(0, postRequestedFor(urlEqualTo(PATH)));
    }

    @Test
    void should_retry_after_rate_limit_reset_when_pipedrive_answers_429() {
        // given Pipedrive's token-based rate limit: the wait is in x-ratelimit-reset
        pipedrive.stubFor(post(PATH).willReturn(json(429, """
                {"success":false,"error":"Request over limit","errorCode":429,"error_info":"Please check developers.pipedrive.com for more information about Pipedrive API."}
                """).withHeader("x-ratelimit-limit", "80").withHeader("x-ratelimit-remaining", "0").withHeader("x-ratelimit-reset", "2")));

        // when
        DeliveryResult result = deliver(options(false), SinkTesting.task("evt-429"));

        // then
        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Retry.class, retry -> {
            assertThat(retry.reason()).contains("HTTP 429").contains("Request over limit");
            assertThat(retry.retryAfter()).isEqualTo(Duration.ofSeconds(2));
        });
    }

    @Test
    void should_retry_when_pipedrive_answers_server_error() {
        // given
        pipedrive.stubFor(post(PATH).willReturn(json(502, "{\"success\":false,\"error\":\"Bad gateway\"}")));

        // when
        DeliveryResult result = deliver(options(false), SinkTesting.task("evt-502"));

        // then
        assertThat(result).isInstanceOf(DeliveryResult.Retry.class);
    }

    @Test
    void should_reject_without_request_when_a_link_field_is_not_a_pipedrive_id() {
        // when
        DeliveryResult result = deliver(options(true), SinkTesting.task("evt-bad-link", Map.of("pipedrive_deal_id", "deal-42")));

        // then
        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Rejected.class, rejected ->
                assertThat(rejected.reason()).contains("pipedrive_deal_id").contains("deal-42"));
        pipedrive.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void should_look_up_the_day_the_task_was_made_when_it_has_no_due_date() {
        // given
        pipedrive.stubFor(get(urlPathEqualTo(PATH)).willReturn(json(200, EMPTY_DAY)));
        pipedrive.stubFor(post(PATH).willReturn(json(201, "{\"success\":true,\"data\":{\"id\":11}}")));

        // when
        deliver(options(true), SinkTesting.withDue(SinkTesting.task("evt-no-due"), null, "normal"));

        // then
        pipedrive.verify(getRequestedFor(urlPathEqualTo(PATH)).withQueryParam("start_date", equalTo("2026-11-02")));
        pipedrive.verify(postRequestedFor(urlEqualTo(PATH)).withRequestBody(containing("\"due_date\":\"2026-11-02\"")));
    }

    private DeliveryResult deliver(PipedriveActivitySinkFactory.Options options, Task task) {
        try (TaskSink sink = new PipedriveActivitySinkFactory().create("pipedrive", options, environment())) {
            return sink.deliver(task);
        }
    }

    private static PipedriveActivitySinkFactory.Options options(boolean deduplicate) {
        return YamlOptions.bind(PipedriveActivitySinkFactory.Options.class, """
                token_env: PIPEDRIVE_TOKEN
                base_url: http://127.0.0.1:%d
                deduplicate: %s
                timeout_seconds: 5
                """.formatted(pipedrive.getPort(), deduplicate));
    }

    private SinkTesting.Environment environment() {
        return SinkTesting.Environment.of(dir, Set.of("127.0.0.1:" + pipedrive.getPort()), Map.of("PIPEDRIVE_TOKEN", TOKEN));
    }

    private static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
    }
}
