package dev.switchboard.connectors.sinks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.anyRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.switchboard.connectors.http.HttpTimeout;
import dev.switchboard.connectors.http.SigningSecret;
import dev.switchboard.schemas.Task;
import dev.switchboard.schemas.spi.DeliveryResult;
import dev.switchboard.schemas.spi.TaskSink;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The webhook sink's {@code body} option: a JSON template over the task. */
class WebhookBodyTemplateTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static WireMockExtension receiver = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @TempDir
    Path dir;

    @Test
    void should_send_rendered_json_with_escaped_values_when_body_is_set() throws Exception {
        // given a title and a field that try to break out of their strings
        receiver.stubFor(post("/incidents").willReturn(aResponse().withStatus(202)));
        Task task = SinkTesting.task("evt-body", Map.of("label", "billing\", \"admin\": true, \"x\": \"", "confidence", 0.92));
        String body = """
                {"summary": "{{ task.title }}", "details": "{{ task.body }}", "label": "{{ task.fields.label }}",
                 "confidence": {{ task.fields.confidence }}, "missing": "{{ task.fields.nothing }}", "id": "{{ task.id }}"}
                """;

        // when
        DeliveryResult result = deliver(body, task);

        // then every value stays inside its own string
        assertThat(result).isEqualTo(new DeliveryResult.Delivered("HTTP 202"));
        LoggedRequest request = receiver.findAll(postRequestedFor(urlEqualTo("/incidents"))).get(0);
        JsonNode sent = JSON.readTree(request.getBody());
        assertThat(sent.fieldNames()).toIterable().containsExactly("summary", "details", "label", "confidence", "missing", "id");
        assertThat(sent.path("label").asText()).isEqualTo("billing\", \"admin\": true, \"x\": \"");
        assertThat(sent.path("details").asText()).isEqualTo(task.body());
        assertThat(sent.path("confidence").asDouble()).isEqualTo(0.92);
        assertThat(sent.path("missing").asText()).isEmpty();
        assertThat(request.getHeader("Idempotency-Key")).isEqualTo(task.id());
    }

    @Test
    void should_reject_without_request_when_rendered_body_is_not_json() {
        // given a bare placeholder whose value is absent
        String body = "{\"score\": {{ task.fields.score }}}";

        // when
        DeliveryResult result = deliver(body, SinkTesting.task("evt-bare"));

        // then
        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Rejected.class, rejected ->
                assertThat(rejected.reason()).contains("Body template cannot fill '{{ task.fields.score }}'").contains("got no value")
                        .contains("inside quotes"));
        receiver.verify(0, anyRequestedFor(anyUrl()));
    }

    @ParameterizedTest(name = "[{0}]")
    @ValueSource(strings = {"{}", "{\"admin\": true}", "[1, 2]", "true", "null", "\"quoted\"", "1, \"admin\": true", "0x10", "NaN", ""})
    void should_reject_without_request_when_event_data_would_change_a_bare_number_into_another_json_type(String value) {
        // given a bare placeholder, a number by its place, and a field whose text came from the event
        String body = "{\"score\": {{ task.fields.score }}, \"label\": \"{{ task.fields.label }}\"}";

        // when
        DeliveryResult result = deliver(body, SinkTesting.task("evt-type-" + value.hashCode(), Map.of("score", value)));

        // then no request carries another type where the template has a number
        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Rejected.class, rejected -> assertThat(rejected.reason())
                .contains("{{ task.fields.score }}").contains("outside quotes").contains("a JSON number"));
        receiver.verify(0, anyRequestedFor(anyUrl()));
    }

    @Test
    void should_send_each_bare_value_as_the_json_type_of_its_place_when_the_values_fit() throws Exception {
        // given numbers as the task step writes them (text), a number as a map holds it, and the fields as a whole
        receiver.stubFor(post("/incidents").willReturn(aResponse().withStatus(202)));
        Task task = SinkTesting.task("evt-typed", Map.of("score", "-12.50e+3", "count", 7L, "label", "{\"admin\": true}"));
        String body = "{\"score\": {{ task.fields.score }}, \"count\": {{ task.fields.count }}, \"confidence\": {{ task.fields.confidence }}, "
                + "\"fields\": {{ task.fields }}}";

        // when
        DeliveryResult result = deliver(body, task);

        // then
        assertThat(result).isEqualTo(new DeliveryResult.Delivered("HTTP 202"));
        JsonNode sent = JSON.readTree(receiver.findAll(postRequestedFor(urlEqualTo("/incidents"))).get(0).getBody());
        assertThat(sent.path("score").isNumber()).isTrue();
        assertThat(sent.path("score").decimalValue()).isEqualByComparingTo("-12500");
        assertThat(sent.path("count").asLong()).isEqualTo(7);
        assertThat(sent.path("confidence").asDouble()).isEqualTo(0.92);
        assertThat(sent.path("fields").isObject()).isTrue();
        assertThat(sent.path("fields").path("label").asText()).isEqualTo("{\"admin\": true}");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{\"a\": {{ task.title }}}|Placeholder outside quotes at body: got '{{ task.title }}', expected a text field inside quotes",
            "{\"a\": [{{ task.priority }}]}|Placeholder outside quotes at body: got '{{ task.priority }}'",
            "{\"a\": {{ task.lineage[0].model }}}|Placeholder outside quotes at body: got '{{ task.lineage[0].model }}'",
            "{\"a\": \"{{ event.data.subject }}\"}|Unknown root 'event' in '{{ event.data.subject }}' at body",
            "{\"a\": \"{{ task.titel }}\"}|Unknown task field in '{{ task.titel }}' at body",
            "{\"a\": \"{{ task.title }\"}|Invalid body template at body: Unclosed placeholder",
            "{\"a\": \"{{ task.title() }}\"}|Invalid body template at body: Invalid placeholder",
            "{\"a\": {{ task.fields.x }} {{ task.fields.y }}}|Invalid JSON in body template at body",
            "not json {{ task.fields.n }}|Invalid JSON in body template at body"})
    void should_report_problem_when_body_template_is_wrong(String body, String message) {
        // when
        List<String> problems = messages(new WebhookSinkFactory().check(options(body), environment()));

        // then
        assertThat(problems).singleElement().asString().contains(message);
    }

    @Test
    void should_report_no_problem_when_body_template_is_valid() {
        // when
        List<String> problems = messages(new WebhookSinkFactory().check(options("""
                {"text": "{{ task.title }}", "n": {{ task.fields.confidence }}, "tags": ["{{ task.fields.label }}"]}
                """), environment()));

        // then
        assertThat(problems).isEmpty();
    }

    private DeliveryResult deliver(String body, Task task) {
        try (TaskSink sink = new WebhookSinkFactory().create("hook", options(body), environment())) {
            return sink.deliver(task);
        }
    }

    private WebhookSinkFactory.Options options(String body) {
        return new WebhookSinkFactory.Options("http://127.0.0.1:" + receiver.getPort() + "/incidents", body, Map.of(),
                new SigningSecret(null, null), new HttpTimeout(5));
    }

    private SinkTesting.Environment environment() {
        return SinkTesting.Environment.of(dir, Set.of("127.0.0.1:" + receiver.getPort()), Map.of());
    }

    private static List<String> messages(List<dev.switchboard.schemas.options.OptionProblem> problems) {
        return problems.stream().map(Object::toString).toList();
    }
}
