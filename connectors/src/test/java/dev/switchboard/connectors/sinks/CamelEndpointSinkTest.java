package dev.switchboard.connectors.sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.schemas.Task;
import dev.switchboard.schemas.spi.DeliveryResult;
import dev.switchboard.schemas.spi.SinkEnvironment;
import dev.switchboard.schemas.spi.TaskSink;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.component.mock.MockEndpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The camel sink: allow list, refused schemes, and what reaches the endpoint (camel-mock plays it). */
class CamelEndpointSinkTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void should_send_task_json_as_body_and_no_task_header_when_scheme_is_allowed() throws Exception {
        // given a task whose fields look like Camel control headers
        Task task = SinkTesting.task("evt-camel", Map.of("CamelFileName", "/etc/passwd", "CamelHttpUri", "http://169.254.169.254/"));

        // when
        DeliveryResult result;
        Exchange received;
        try (TaskSink sink = new CamelEndpointSinkFactory().create("queue", options("mock:tasks"), environment(Set.of("mock")))) {
            result = sink.deliver(task);
            MockEndpoint mock = ((CamelEndpointSink) sink).camelContext().getEndpoint("mock:tasks", MockEndpoint.class);
            received = mock.getReceivedExchanges().get(0);
        }

        // then
        assertThat(result).isEqualTo(new DeliveryResult.Delivered("Camel endpoint mock: accepted"));
        assertThat(JSON.readTree(received.getIn().getBody(String.class))).isEqualTo(JSON.valueToTree(task));
        assertThat(received.getIn().getHeaders()).containsOnlyKeys(Exchange.CONTENT_TYPE);
        assertThat(received.getIn().getHeader(Exchange.CONTENT_TYPE)).isEqualTo("application/json");
    }

    @Test
    void should_retry_with_redacted_reason_when_endpoint_fails() {
        // given a component from the classpath that fails, with a credential in its URI
        String uri = "recording:tasks?password=supersecretvalue&fail=true";

        // when
        DeliveryResult result;
        try (TaskSink sink = new CamelEndpointSinkFactory().create("queue", options(uri), environment(Set.of("recording")))) {
            result = sink.deliver(SinkTesting.task("evt-fail"));
        }

        // then
        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Retry.class, retry -> assertThat(retry.reason())
                .contains("Camel endpoint recording: failed")
                .contains("broker down")
                .doesNotContain("supersecretvalue"));
    }

    @Test
    void should_deliver_to_a_component_found_on_the_classpath() {
        // given
        String uri = "recording:tasks?password=supersecretvalue";
        Task task = SinkTesting.task("evt-recording");

        // when
        DeliveryResult result;
        RecordingComponent.RecordingEndpoint endpoint;
        try (TaskSink sink = new CamelEndpointSinkFactory().create("queue", options(uri), environment(Set.of("recording")))) {
            result = sink.deliver(task);
            endpoint = ((CamelEndpointSink) sink).camelContext().getEndpoint(uri, RecordingComponent.RecordingEndpoint.class);
        }

        // then
        assertThat(result).isInstanceOf(DeliveryResult.Delivered.class);
        assertThat(endpoint.getPassword()).isEqualTo("supersecretvalue");
        assertThat(endpoint.received()).singleElement().satisfies(exchange ->
                assertThat(exchange.getIn().getBody(String.class)).contains(task.id()));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"file:/tmp/out", "exec:rm?args=-rf /", "bean:taskService?method=run", "class:com.example.Evil",
            "language:groovy:1+1", "sql:delete from tasks", "FILE:/tmp/out"})
    void should_refuse_dangerous_scheme_when_it_is_listed(String uri) {
        // given every one of them listed
        SinkEnvironment environment = environment(Set.of("file", "exec", "bean", "class", "language", "sql"));

        // when
        List<String> problems = messages(new CamelEndpointSinkFactory().check(options(uri), environment));

        // then
        assertThat(problems).singleElement().asString().startsWith("Refused Camel scheme").contains("even when listed");
    }

    @Test
    void should_report_scheme_when_it_is_not_in_camel_schemes() {
        // when
        List<String> problems = messages(new CamelEndpointSinkFactory().check(options("mock:tasks"), environment(Set.of("jms"))));

        // then
        assertThat(problems).singleElement().asString()
                .contains("Camel scheme 'mock' at uri is not in outbound.camel_schemes")
                .contains("Add 'mock' to outbound.camel_schemes");
    }

    @Test
    void should_refuse_to_create_when_scheme_is_not_allowed() {
        // then
        assertThatThrownBy(() -> new CamelEndpointSinkFactory().create("queue", options("mock:tasks"), environment(Set.of())))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("not in outbound.camel_schemes");
    }

    @Test
    void should_report_missing_component_when_its_jar_is_not_on_the_classpath() {
        // when
        List<String> problems = messages(new CamelEndpointSinkFactory().check(options("slack:#ops"), environment(Set.of("slack"))));

        // then
        assertThat(problems).singleElement().asString().contains("No Camel component for scheme 'slack'").contains("camel-slack");
    }

    @Test
    void should_check_http_urls_inside_the_uri_against_allowed_hosts() {
        // given Slack's webhookUrl option pointing at the cloud metadata address, and at a host not allowed
        SinkEnvironment environment = new SinkTesting.Environment(dir, Set.of("hooks.slack.com"), Map.of(), Set.of("mock"));

        // when
        List<String> metadata = messages(new CamelEndpointSinkFactory().check(options("mock:x?webhookUrl=RAW(http://169.254.169.254/latest)"), environment));
        List<String> elsewhere = messages(new CamelEndpointSinkFactory().check(options("mock:x?webhookUrl=https%3A%2F%2Fevil.example.com%2Fhook"), environment));
        List<String> allowed = messages(new CamelEndpointSinkFactory().check(options("mock:x?webhookUrl=https://hooks.slack.com/services/T0/B0/X"), environment));

        // then
        assertThat(metadata).singleElement().asString().contains("Refused URL in the Camel endpoint");
        assertThat(elsewhere).singleElement().asString().contains("'evil.example.com:443' is not in outbound.allowed_hosts");
        assertThat(allowed).isEmpty();
    }

    @Test
    void should_read_uri_from_environment_and_never_print_it_when_uri_env_is_set() {
        // given
        SinkEnvironment environment = new SinkTesting.Environment(dir, Set.of(), Map.of("CAMEL_URI", "jms:queue:x?password=hunter2"), Set.of());

        // when
        List<String> problems = messages(new CamelEndpointSinkFactory().check(new CamelEndpointSinkFactory.Options(null, "CAMEL_URI", null), environment));

        // then
        assertThat(problems).isNotEmpty().allSatisfy(problem -> assertThat(problem).doesNotContain("hunter2").doesNotContain("queue:x"));
        assertThat(problems).anySatisfy(problem -> assertThat(problem).contains("at uri_env"));
    }

    private static CamelEndpointSinkFactory.Options options(String uri) {
        return new CamelEndpointSinkFactory.Options(uri, null, null);
    }

    private SinkEnvironment environment(Set<String> camelSchemes) {
        return new SinkTesting.Environment(dir, Set.of(), Map.of(), camelSchemes);
    }

    private static List<String> messages(List<dev.switchboard.schemas.options.OptionProblem> problems) {
        return problems.stream().map(Object::toString).toList();
    }
}
