package dev.switchboard.connectors.sinks;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.connectors.testkit.AbstractHttpTaskSinkContractTest;
import dev.switchboard.connectors.testkit.YamlOptions;
import dev.switchboard.schemas.spi.DeliveryResult;
import dev.switchboard.schemas.spi.SinkFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The sink contract for Tasklane (the task id as Idempotency-Key), and what Tasklane does its own way. */
class TasklaneTaskSinkContractTest extends AbstractHttpTaskSinkContractTest<TasklaneTaskSinkFactory.Options> {

    // tag::contract[]
    private static final String TOKEN = "tl_live_3kq9Zr7WbX2mN8pV5sT1";
    private static final String TASKS = "/v2/projects/prj_7c1d04e2b9/tasks";

    @Override
    protected SinkFactory<TasklaneTaskSinkFactory.Options> factory() {
        return new TasklaneTaskSinkFactory();
    }

    @Override
    protected String options(String baseUrl) {
        return """
                token_env: TASKLANE_API_KEY
                base_url: "%s"
                project_id: prj_7c1d04e2b9
                """.formatted(baseUrl);
    }

    @Override
    protected Map<String, String> secrets(String baseUrl) {
        return Map.of("TASKLANE_API_KEY", TOKEN);
    }

    @Override
    protected Set<String> secrets() {
        return Set.of(TOKEN);
    }

    @Override
    protected void answerSuccessfully() {
        destination.stubFor(post(urlEqualTo(TASKS)).willReturn(json(201, "{\"id\": \"tsk_90210\", \"state\": \"open\"}")));
    }

    @Override
    protected String errorBody(String message) {
        return "{\"code\": \"invalid_field\", \"message\": \"" + message + "\"}";
    }

    @Override
    protected List<String> idempotencyKeysReceived() {
        return requestsReceived().stream().map(request -> request.getHeader("Idempotency-Key")).toList();
    }
    // end::contract[]

    // tag::vendor[]
    @Test
    void should_post_the_task_in_tasklane_shape_when_a_task_is_delivered() {
        // when
        DeliveryResult result = sink.deliver(task("evt-tasklane-1"));

        // then
        assertThat(result).isEqualTo(new DeliveryResult.Delivered("Tasklane task tsk_90210 (HTTP 201)"));
        destination.verify(postRequestedFor(urlEqualTo(TASKS))
                .withHeader("Authorization", equalTo("Bearer " + TOKEN))
                .withRequestBody(equalToJson("""
                        {"title": "Refund request for order 1234", "notes": "Customer asks for a refund.\\nOrder <1234>",
                         "priority": "high", "due_on": "2026-11-03"}""")));
    }

    @Test
    void should_retry_after_the_wait_tasklane_names_when_the_first_request_with_the_key_is_still_running() {
        // given
        destination.stubFor(post(urlEqualTo(TASKS)).atPriority(1).willReturn(json(409,
                "{\"code\": \"idempotency_key_in_use\", \"message\": \"A request with this key is in progress\"}")
                .withHeader("Retry-After", "2")));

        // when
        DeliveryResult result = sink.deliver(task("evt-tasklane-2"));

        // then
        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Retry.class, retry -> {
            assertThat(retry.reason()).contains("still creating");
            assertThat(retry.retryAfter()).isEqualTo(Duration.ofSeconds(2));
        });
    }
    // end::vendor[]

    @Test
    void should_report_the_project_id_at_its_path_when_it_is_not_a_tasklane_id() {
        // given
        TasklaneTaskSinkFactory.Options options = YamlOptions.bind(TasklaneTaskSinkFactory.Options.class, options(baseUrl())
                .replace("prj_7c1d04e2b9", "Support"));

        // when
        var problems = factory().check(options, environment());

        // then
        assertThat(problems).singleElement().asString().isEqualTo("Invalid project id at project_id: got 'Support', "
                + "expected a Tasklane project id such as prj_7c1d04e2b9. Copy it from the project's settings");
    }

    @Test
    void should_report_the_base_url_at_its_path_when_its_host_is_not_allowed() {
        // given
        TasklaneTaskSinkFactory.Options options = YamlOptions.bind(TasklaneTaskSinkFactory.Options.class, """
                token_env: TASKLANE_API_KEY
                project_id: prj_7c1d04e2b9
                """);

        // when
        var problems = factory().check(options, environment());

        // then the declared default address, whose host the outbound policy does not allow here
        assertThat(problems).singleElement().satisfies(problem -> {
            assertThat(problem.path()).isEqualTo("base_url");
            assertThat(problem.toString()).contains("'api.tasklane.example:443' is not in outbound.allowed_hosts");
        });
    }
}
