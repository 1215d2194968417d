package dev.switchboard.connectors.sinks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.switchboard.connectors.testkit.YamlOptions;
import dev.switchboard.schemas.Task;
import dev.switchboard.schemas.spi.DeliveryResult;
import dev.switchboard.schemas.spi.TaskSink;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The n8n sink against a stand-in for an n8n Webhook node. */
class N8nWebhookSinkTest {

    private static final byte[] KEY = "n8n-verification-key-0123456789ab".getBytes(StandardCharsets.US_ASCII);
    private static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString(KEY);
    private static final String PATH = "/webhook/switchboard-triage";

    @RegisterExtension
    static WireMockExtension n8n = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @TempDir
    Path dir;

    @Test
    void should_post_signed_task_with_idempotency_key_when_secret_is_set() throws Exception {
        // given the Webhook node answers as n8n does with "Respond: Immediately"
        n8n.stubFor(post(PATH).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"message\":\"Workflow was started\"}")));
        Task task = SinkTesting.task("evt-1");

        // when
        DeliveryResult result = deliver(options("url: " + url(PATH), "secret_env: N8N_SECRET"), task);

        // then the receiving workflow can verify the signature over the raw body
        assertThat(result).isEqualTo(new DeliveryResult.Delivered("HTTP 200"));
        LoggedRequest request = n8n.findAll(postRequestedFor(urlEqualTo(PATH))).get(0);
        assertThat(request.getHeader("Idempotency-Key")).isEqualTo(task.id());
        assertThat(request.getHeader("webhook-id")).isEqualTo(task.id());
        assertThat(request.getHeader("Content-Type")).startsWith("application/json");
        String signed = request.getHeader("webhook-id") + "." + request.getHeader("webhook-timestamp") + ".";
        assertThat(request.getHeader("webhook-signature")).isEqualTo("v1," + hmac(KEY, signed, request.getBody()));
        assertThat(new ObjectMapper().readTree(request.getBody())).isEqualTo(new ObjectMapper().valueToTree(task));
    }

    @Test
    void should_sign_with_secret_from_file_when_secret_file_is_set() throws Exception {
        // given
        n8n.stubFor(post(PATH).willReturn(aResponse().withStatus(200)));
        Files.writeString(dir.resolve("n8n-secret"), "plain shared secret\n");

        // when
        deliver(options("url: " + url(PATH), "secret_file: n8n-secret"), SinkTesting.task("evt-file"));

        // then
        LoggedRequest request = n8n.findAll(postRequestedFor(urlEqualTo(PATH))).get(0);
        String signed = request.getHeader("webhook-id") + "." + request.getHeader("webhook-timestamp") + ".";
        assertThat(request.getHeader("webhook-signature"))
                .isEqualTo("v1," + hmac("plain shared secret".getBytes(StandardCharsets.UTF_8), signed, request.getBody()));
    }

    @Test
    void should_retry_when_webhook_node_is_not_listening() {
        // given n8n answers 404 with its "not registered" message while the workflow is inactive... and 503 while it restarts
        n8n.stubFor(post(PATH).willReturn(aResponse().withStatus(503).withBody("{\"message\":\"Service Unavailable\"}")));

        // when
        DeliveryResult result = deliver(options("url: " + url(PATH)), SinkTesting.task("evt-503"));

        // then
        assertThat(result).isInstanceOf(DeliveryResult.Retry.class);
    }

    @Test
    void should_reject_with_n8n_message_when_webhook_is_not_registered() {
        // given
        n8n.stubFor(post(PATH).willReturn(aResponse().withStatus(404).withHeader("Content-Type", "application/json").withBody("""
                {"code":404,"message":"The requested webhook \\"POST switchboard-triage\\" is not registered.","hint":"The workflow must be active for a production URL to run successfully."}
                """)));

        // when
        DeliveryResult result = deliver(options("url: " + url(PATH)), SinkTesting.task("evt-404"));

        // then
        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Rejected.class, rejected ->
                assertThat(rejected.reason()).contains("HTTP 404").contains("is not registered"));
    }

    @Test
    void should_report_test_url_when_url_is_the_editor_test_webhook() {
        // when
        List<String> problems = messages(new N8nWebhookSinkFactory().check(
                options("url: " + url("/webhook-test/switchboard-triage")), environment()));

        // then
        assertThat(problems).singleElement().asString().contains("Test URL at url").contains("/webhook/");
    }

    @Test
    void should_report_missing_secret_file_when_secret_file_does_not_exist() {
        // when
        List<String> problems = messages(new N8nWebhookSinkFactory().check(options("url: " + url(PATH), "secret_file: missing"), environment()));

        // then
        assertThat(problems).singleElement().asString().contains("Missing secret at secret_file").contains("missing");
    }

    private DeliveryResult deliver(N8nWebhookSinkFactory.Options options, Task task) {
        try (TaskSink sink = new N8nWebhookSinkFactory().create("n8n", options, environment())) {
            return sink.deliver(task);
        }
    }

    /** Options from YAML lines, with a 5-second timeout. */
    private static N8nWebhookSinkFactory.Options options(String... lines) {
        return YamlOptions.bind(N8nWebhookSinkFactory.Options.class, String.join("\n", lines) + "\ntimeout_seconds: 5\n");
    }

    private static String url(String path) {
        return "http://127.0.0.1:" + n8n.getPort() + path;
    }

    private SinkTesting.Environment environment() {
        return SinkTesting.Environment.of(dir, Set.of("127.0.0.1:" + n8n.getPort()), Map.of("N8N_SECRET", SECRET));
    }

    static String hmac(byte[] key, String prefix, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        mac.update(prefix.getBytes(StandardCharsets.UTF_8));
        return Base64.getEncoder().encodeToString(mac.doFinal(body));
    }

    private static List<String> messages(List<dev.switchboard.schemas.options.OptionProblem> problems) {
        return problems.stream().map(Object::toString).toList();
    }
}
