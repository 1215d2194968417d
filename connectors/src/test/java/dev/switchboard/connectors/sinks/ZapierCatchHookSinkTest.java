package dev.switchboard.connectors.sinks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.switchboard.connectors.testkit.YamlOptions;
import dev.switchboard.schemas.Task;
import dev.switchboard.schemas.spi.DeliveryResult;
import dev.switchboard.schemas.spi.SinkEnvironment;
import dev.switchboard.schemas.spi.TaskSink;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The Zapier sink: URL shape and secrecy, and delivery to a stand-in catch hook. */
class ZapierCatchHookSinkTest {

    private static final String HOOK_PATH = "/hooks/catch/1234567/abcd3fg/";
    private static final String HOOK_URL = "https://hooks.zapier.com" + HOOK_PATH;

    @RegisterExtension
    static WireMockExtension zapier = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @TempDir
    Path dir;

    @Test
    void should_report_no_problem_when_url_comes_from_environment_and_host_is_allowed() {
        // when
        List<String> problems = messages(new ZapierCatchHookSinkFactory().check(options("ZAPIER_URL", null), environment(Set.of("hooks.zapier.com"), HOOK_URL)));

        // then
        assertThat(problems).isEmpty();
    }

    @Test
    void should_report_shape_without_the_url_when_url_is_not_a_catch_hook() {
        // given
        String wrong = "https://hooks.zapier.com/hooks/standard/1234567/s3cr3tkey/";

        // when
        List<String> problems = messages(new ZapierCatchHookSinkFactory().check(options("ZAPIER_URL", null), environment(Set.of("hooks.zapier.com"), wrong)));

        // then
        assertThat(problems).singleElement().asString()
                .contains("Invalid catch hook URL at url_env")
                .contains("hooks/catch/<account id>/<hook key>/")
                .doesNotContain("s3cr3tkey");
    }

    @Test
    void should_keep_hook_key_out_of_the_message_when_host_is_not_allowed() {
        // when
        List<String> problems = messages(new ZapierCatchHookSinkFactory().check(options("ZAPIER_URL", null), environment(Set.of("n8n.example.com"), HOOK_URL)));

        // then
        assertThat(problems).singleElement().asString()
                .contains("'hooks.zapier.com:443' is not in outbound.allowed_hosts")
                .doesNotContain("abcd3fg")
                .doesNotContain("1234567");
    }

    @Test
    void should_report_each_url_option_when_none_or_several_are_given() {
        // when
        List<String> none = messages(new ZapierCatchHookSinkFactory().check(YamlOptions.bind(ZapierCatchHookSinkFactory.Options.class, "{}"), environment(Set.of(), HOOK_URL)));
        List<String> two = messages(new ZapierCatchHookSinkFactory().check(YamlOptions.bind(ZapierCatchHookSinkFactory.Options.class, "{url: \"" + HOOK_URL + "\", url_env: ZAPIER_URL}"), environment(Set.of(), HOOK_URL)));

        // then
        assertThat(none).singleElement().asString().contains("Missing URL at url_env");
        assertThat(two).singleElement().asString().contains("Conflicting options at url_env").contains("got 2");
    }

    @Test
    void should_report_unset_variable_when_url_env_is_not_set() {
        // when
        List<String> problems = messages(new ZapierCatchHookSinkFactory().check(options("UNSET_URL", null), environment(Set.of("hooks.zapier.com"), HOOK_URL)));

        // then
        assertThat(problems).singleElement().asString().contains("Missing secret at url_env").contains("UNSET_URL");
    }

    @Test
    void should_post_signed_task_and_hide_the_hook_key_when_zapier_answers() throws Exception {
        // given a stand-in for hooks.zapier.com (same path shape), the URL in a mounted file
        zapier.stubFor(post(HOOK_PATH).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json")
                .withBody("{\"attempt\":\"0190c3a1-e8f5-4b1b-b3a8-5ac3b4c33a2e\",\"id\":\"0190c3a1-e8f5-4b1b-b3a8-5ac3b4c33a2e\",\"request_id\":\"0190c3a1-e8f5-4b1b-b3a8-5ac3b4c33a2e\",\"status\":\"success\"}")));
        String url = "http://127.0.0.1:" + zapier.getPort() + HOOK_PATH;
        Files.writeString(dir.resolve("zapier-url"), url + "\n");
        SinkEnvironment environment = environment(Set.of("127.0.0.1:" + zapier.getPort()), url);
        Task task = SinkTesting.task("evt-zap");

        // when
        DeliveryResult delivered;
        DeliveryResult failed;
        try (TaskSink sink = new ZapierCatchHookSinkFactory().create("zap", YamlOptions.bind(ZapierCatchHookSinkFactory.Options.class, """
                url_file: zapier-url
                secret_env: ZAPIER_SECRET
                timeout_seconds: 5
                """), environment)) {
            delivered = sink.deliver(task);
            zapier.stubFor(post(HOOK_PATH).willReturn(aResponse().withStatus(500).withBody("Internal error for " + HOOK_PATH)));
            failed = sink.deliver(task);
        }

        // then
        assertThat(delivered).isEqualTo(new DeliveryResult.Delivered("HTTP 200"));
        zapier.verify(postRequestedFor(urlEqualTo(HOOK_PATH))
                .withHeader("Idempotency-Key", equalTo(task.id()))
                .withHeader("webhook-id", equalTo(task.id())));
        assertThat(zapier.findAll(postRequestedFor(urlEqualTo(HOOK_PATH))).get(0).getHeader("webhook-signature")).startsWith("v1,");
        assertThat(failed).isInstanceOfSatisfying(DeliveryResult.Retry.class, retry -> assertThat(retry.reason())
                .contains("HTTP 500")
                .contains("127.0.0.1:" + zapier.getPort())
                .doesNotContain("abcd3fg"));
    }

    @Test
    void should_match_the_documented_url_shape() {
        // then
        assertThat(ZapierCatchHookSinkFactory.HOOK_URL.matcher(HOOK_URL).matches()).isTrue();
        assertThat(ZapierCatchHookSinkFactory.HOOK_URL.matcher("https://hooks.zapier.com/hooks/catch/1234567/abcd3fg").matches()).isTrue();
        assertThat(ZapierCatchHookSinkFactory.HOOK_URL.matcher("http://hooks.zapier.com" + HOOK_PATH).matches()).isFalse();
        assertThat(URI.create(HOOK_URL).getHost()).isEqualTo("hooks.zapier.com");
    }

    private static ZapierCatchHookSinkFactory.Options options(String urlEnv, String urlFile) {
        return YamlOptions.bind(ZapierCatchHookSinkFactory.Options.class, (urlEnv != null ? "url_env: " + urlEnv : "url_file: " + urlFile)
                + "\ntimeout_seconds: 5\n");
    }

    private SinkEnvironment environment(Set<String> hosts, String url) {
        return SinkTesting.Environment.of(dir, hosts, Map.of("ZAPIER_URL", url, "ZAPIER_SECRET", "zap-signing-secret"));
    }

    private static List<String> messages(List<dev.switchboard.schemas.options.OptionProblem> problems) {
        return problems.stream().map(Object::toString).toList();
    }
}
