package dev.switchboard.connectors.sinks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.patch;
import static com.github.tomakehurst.wiremock.client.WireMock.patchRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.switchboard.connectors.testkit.YamlOptions;
import dev.switchboard.schemas.Task;
import dev.switchboard.schemas.spi.DeliveryResult;
import dev.switchboard.schemas.spi.TaskSink;
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
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Contract test: the Salesforce REST API's Task sObject as documented, played by WireMock. */
class SalesforceTaskSinkTest {

    private static final String TOKEN = "00D5g000004XXXX!AQ0AQH0dMHZfz972Szm.example.access.token";
    private static final String SOBJECT = "/services/data/v60.0/sobjects/Task";

    @RegisterExtension
    static WireMockExtension salesforce = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @TempDir
    Path dir;

    @Test
    void should_create_task_with_external_id_and_mapped_fields_when_salesforce_answers_201() {
        // given
        salesforce.stubFor(post(SOBJECT).willReturn(json(201, """
                {"id":"00T5g00000AbCdEAAV","success":true,"errors":[]}
                """)));
        Task task = SinkTesting.withOwner(SinkTesting.task("evt-1", Map.of(
                "salesforce_who_id", "0035g00000XyZabAAF", "salesforce_what_id", "0065g00000QwErTAAZ")), "0055g00000AbCdEAAV");

        // when
        DeliveryResult result = deliver(options("keep"), task);

        // then
        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Delivered.class, delivered ->
                assertThat(delivered.detail()).contains("00T5g00000AbCdEAAV").contains("created"));
        salesforce.verify(1, postRequestedFor(urlEqualTo(SOBJECT))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .withHeader("Content-Type", equalTo("application/json"))
                .withRequestBody(equalToJson("""
                        {
                          "Subject": "Refund request for order 1234",
                          "Description": "Customer asks for a refund.\\nOrder <1234> — \\"ünïcödé\\" & more",
                          "ActivityDate": "2026-11-03",
                          "Priority": "High",
                          "Status": "Not Started",
                          "OwnerId": "0055g00000AbCdEAAV",
                          "WhoId": "0035g00000XyZabAAF",
                          "WhatId": "0065g00000QwErTAAZ",
                          "Switchboard_Task_Id__c": "%s"
                        }
                        """.formatted(task.id()))));
    }

    @Test
    void should_upsert_by_external_id_when_on_redelivery_is_overwrite() {
        // given
        Task task = SinkTesting.task("evt-upsert");
        String path = SOBJECT + "/Switchboard_Task_Id__c/" + task.id();
        salesforce.stubFor(patch(urlEqualTo(path)).willReturn(json(201, """
                {"id":"00T5g00000AbCdFAAV","success":true,"errors":[],"created":true}
                """)));

        // when
        DeliveryResult result = deliver(options("overwrite"), task);

        // then the external id is in the path, not in the body
        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Delivered.class, delivered ->
                assertThat(delivered.detail()).contains("00T5g00000AbCdFAAV").contains("created"));
        salesforce.verify(1, patchRequestedFor(urlEqualTo(path))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .withRequestBody(equalToJson("""
                        {"Subject": "Refund request for order 1234", "Priority": "High", "Status": "Not Started", "ActivityDate": "2026-11-03"}
                        """, true, true)));
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {200, 204})
    void should_report_delivered_when_upsert_updates_an_existing_task(int status) {
        // given
        Task task = SinkTesting.task("evt-upsert-again");
        salesforce.stubFor(patch(urlEqualTo(SOBJECT + "/Switchboard_Task_Id__c/" + task.id())).willReturn(status == 204
                ? aResponse().withStatus(204)
                : json(200, """
                {"id":"00T5g00000AbCdFAAV","success":true,"errors":[],"created":false}
                """)));

        // when
        DeliveryResult result = deliver(options("overwrite"), task);

        // then
        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Delivered.class, delivered ->
                assertThat(delivered.detail()).contains("updated"));
    }

    @Test
    void should_report_delivered_when_the_external_id_is_a_duplicate_value() {
        // given a Task with this task id exists (the field is Unique)
        salesforce.stubFor(post(SOBJECT).willReturn(json(400, """
                [{"message":"duplicate value found: Switchboard_Task_Id__c duplicates value on record with id: 00T5g00000AbCdEAAV","errorCode":"DUPLICATE_VALUE","fields":[]}]
                """)));

        // when
        DeliveryResult result = deliver(options("keep"), SinkTesting.task("evt-dup"));

        // then
        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Delivered.class, delivered ->
                assertThat(delivered.detail()).contains("already has").contains("00T5g00000AbCdEAAV"));
    }

    static Stream<Arguments> clientErrors() {
        return Stream.of(
                Arguments.of(400, """
                        [{"message":"Priority: bad value for restricted picklist field: Highest","errorCode":"INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST","fields":["Priority"]}]
                        """, "INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST: Priority: bad value for restricted picklist field"),
                Arguments.of(401, """
                        [{"message":"Session expired or invalid","errorCode":"INVALID_SESSION_ID"}]
                        """, "INVALID_SESSION_ID: Session expired or invalid"),
                Arguments.of(403, """
                        [{"message":"You do not have access to the Apex class named: Task","errorCode":"INSUFFICIENT_ACCESS"}]
                        """, "INSUFFICIENT_ACCESS: You do not have access"),
                Arguments.of(404, """
                        [{"errorCode":"NOT_FOUND","message":"The requested resource does not exist"}]
                        """, "NOT_FOUND: The requested resource does not exist"));
    }

    @ParameterizedTest(name = "HTTP {0}")
    @MethodSource("clientErrors")
    void should_reject_with_salesforce_message_when_salesforce_answers_client_error(int status, String body, String expected) {
        // given
        salesforce.stubFor(post(SOBJECT).willReturn(json(status, body)));

        // when
        DeliveryResult result = deliver(options("keep"), SinkTesting.task("evt-" + status));

        // then
        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Rejected.class, rejected -> assertThat(rejected.reason())
                .contains("HTTP " + status)
                .contains(expected)
                .doesNotContain(TOKEN));
    }

    @Test
    void should_retry_when_the_org_exceeded_its_api_request_limit() {
        // given Salesforce's 403 for the rolling 24-hour limit: later it succeeds
        salesforce.stubFor(post(SOBJECT).willReturn(json(403, """
                [{"message":"TotalRequests Limit exceeded.","errorCode":"REQUEST_LIMIT_EXCEEDED"}]
                """)));

        // when
        DeliveryResult result = deliver(options("keep"), SinkTesting.task("evt-limit"));

        // then
        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Retry.class, retry ->
                assertThat(retry.reason()).contains("REQUEST_LIMIT_EXCEEDED"));
    }

    @Test
    void should_retry_after_given_seconds_when_salesforce_answers_429() {
        // given
        salesforce.stubFor(post(SOBJECT).willReturn(json(429, """
                [{"message":"Too many requests","errorCode":"REQUEST_LIMIT_EXCEEDED"}]
                """).withHeader("Retry-After", "30")));

        // when
        DeliveryResult result = deliver(options("keep"), SinkTesting.task("evt-429"));

        // then
        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Retry.class, retry ->
                assertThat(retry.retryAfter()).isEqualTo(Duration.ofSeconds(30)));
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {500, 503})
    void should_retry_when_salesforce_answers_server_error(int status) {
        // given
        salesforce.stubFor(post(SOBJECT).willReturn(json(status, """
                [{"message":"An unexpected error occurred. Please include this ErrorId if you contact support: 1234567890-12345 (-1234567890)","errorCode":"UNKNOWN_EXCEPTION"}]
                """)));

        // when
        DeliveryResult result = deliver(options("keep"), SinkTesting.task("evt-" + status));

        // then
        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Retry.class, retry ->
                assertThat(retry.reason()).contains("UNKNOWN_EXCEPTION"));
    }

    @Test
    void should_reject_with_a_fix_when_upsert_matches_several_tasks() {
        // given the external id field is not Unique and two Tasks carry the id
        Task task = SinkTesting.task("evt-300");
        salesforce.stubFor(patch(urlEqualTo(SOBJECT + "/Switchboard_Task_Id__c/" + task.id())).willReturn(json(300, """
                ["/services/data/v60.0/sobjects/Task/00T5g00000AbCdEAAV","/services/data/v60.0/sobjects/Task/00T5g00000AbCdFAAV"]
                """)));

        // when
        DeliveryResult result = deliver(options("overwrite"), task);

        // then
        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Rejected.class, rejected ->
                assertThat(rejected.reason()).contains("several Tasks").contains("Mark the field Unique"));
    }

    @Test
    void should_report_each_problem_when_options_are_wrong() {
        // given
        SalesforceTaskSinkFactory.Options options = YamlOptions.bind(SalesforceTaskSinkFactory.Options.class, """
                instance_url: https://acme.my.salesforce.com
                token_env: TOKEN
                token_file: TOKEN_FILE
                api_version: "60"
                external_id_field: Switchboard_Task_Id
                default_owner_id: ann@example.com
                timeout_seconds: 5
                """);

        // when
        List<String> problems = messages(new SalesforceTaskSinkFactory().check(options, environment()));

        // then
        assertThat(problems).hasSize(5);
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("is not in outbound.allowed_hosts"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("Conflicting options at token_env"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("at api_version"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("at external_id_field"));
        assertThat(problems).anySatisfy(p -> assertThat(p).contains("at default_owner_id"));
    }

    private DeliveryResult deliver(SalesforceTaskSinkFactory.Options options, Task task) {
        try (TaskSink sink = new SalesforceTaskSinkFactory().create("salesforce", options, environment())) {
            return sink.deliver(task);
        }
    }

    private static SalesforceTaskSinkFactory.Options options(String onRedelivery) {
        return YamlOptions.bind(SalesforceTaskSinkFactory.Options.class, """
                instance_url: http://127.0.0.1:%d
                token_env: SALESFORCE_TOKEN
                on_redelivery: %s
                timeout_seconds: 5
                """.formatted(salesforce.getPort(), onRedelivery));
    }

    private SinkTesting.Environment environment() {
        return SinkTesting.Environment.of(dir, Set.of("127.0.0.1:" + salesforce.getPort()), Map.of("SALESFORCE_TOKEN", TOKEN));
    }

    private static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json;charset=UTF-8").withBody(body);
    }

    private static List<String> messages(List<dev.switchboard.schemas.options.OptionProblem> problems) {
        return problems.stream().map(Object::toString).toList();
    }
}
