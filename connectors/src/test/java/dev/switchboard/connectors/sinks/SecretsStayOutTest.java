package dev.switchboard.connectors.sinks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.switchboard.connectors.testkit.YamlOptions;
import dev.switchboard.schemas.Task;
import dev.switchboard.schemas.spi.DeliveryResult;
import dev.switchboard.schemas.spi.SinkEnvironment;
import dev.switchboard.schemas.spi.SinkFactory;
import dev.switchboard.schemas.spi.TaskSink;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * No secret value reaches a delivery result (and so a dead letter or a receipt) or a log line,
 * even when the vendor echoes back what it was sent, the endpoint is down, or the host is refused:
 * Switchboard's loggers at TRACE, Camel's at DEBUG (at TRACE Camel's engine logs endpoint URIs
 * unmasked, which the camel sink warns about).
 */
class SecretsStayOutTest {

    private static final String TOKEN = "tok_9f8e7d6c5b4a39281706f5e4d3c2b1a0";
    private static final String SIGNING = "whsec_c2lnbmluZy1zZWNyZXQtdmFsdWUtMDEyMzQ1Njc4OQ==";
    private static final String HOOK_KEY = "k3yz9q8w";
    private static final String CAMEL_PASSWORD = "camel-pa55word-value";

    @RegisterExtension
    static WireMockExtension vendor = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort().globalTemplating(true)).build();

    @TempDir
    Path dir;

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final List<Logger> watched = new ArrayList<>();

    @BeforeEach
    void captureLogs() {
        logs.start();
        for (String name : List.of("dev.switchboard", "org.apache.camel")) {
            Logger logger = (Logger) LoggerFactory.getLogger(name);
            logger.setLevel(name.equals("org.apache.camel") ? Level.DEBUG : Level.TRACE);
            logger.setAdditive(false);
            logger.addAppender(logs);
            watched.add(logger);
        }
    }

    @AfterEach
    void restoreLogs() {
        for (Logger logger : watched) {
            logger.detachAppender(logs);
            logger.setLevel(null);
            logger.setAdditive(true);
        }
    }

    @Test
    void should_keep_secrets_out_of_results_and_logs_when_vendors_echo_them_or_fail() throws IOException {
        // given vendors that echo back what they were sent: the credentials in headers and the URL
        String echo = "{\"status\":\"error\",\"message\":\"bad credentials {{request.headers.Authorization}} {{request.headers.x-api-token}} at {{request.url}}\","
                + "\"error\":\"bad {{request.headers.Authorization}} {{request.headers.x-api-token}} {{request.url}}\",\"success\":false}";
        Files.writeString(dir.resolve("token"), TOKEN + "\n");
        String base = "http://127.0.0.1:" + vendor.getPort();
        Map<String, String> secrets = Map.of("TOKEN", TOKEN, "SIGNING", SIGNING,
                "HOOK", base + "/hooks/catch/1234567/" + HOOK_KEY + "/", "CAMEL_URI", "recording:tasks?password=" + CAMEL_PASSWORD,
                "CAMEL_FAILING", "recording:down?fail=true&password=" + CAMEL_PASSWORD);
        SinkEnvironment environment = new SinkTesting.Environment(dir, Set.of("127.0.0.1:" + vendor.getPort()), secrets, Set.of("recording"));
        List<Sink<?>> sinks = List.of(
                Sink.of(new HubSpotTaskSinkFactory(), "{token_env: TOKEN, base_url: '%s', timeout_seconds: 2}", base),
                Sink.of(new HubSpotTaskSinkFactory(), "{token_file: token, base_url: '%s', timeout_seconds: 2}", base),
                Sink.of(new SalesforceTaskSinkFactory(), "{instance_url: '%s', token_env: TOKEN, timeout_seconds: 2}", base),
                Sink.of(new PipedriveActivitySinkFactory(), "{token_env: TOKEN, base_url: '%s', deduplicate: true, timeout_seconds: 2}", base),
                Sink.of(new WebhookSinkFactory(), "{url: '%s', secret_env: SIGNING, timeout_seconds: 2}", base + "/hook?token=" + TOKEN),
                Sink.of(new N8nWebhookSinkFactory(), "{url: '%s', secret_env: SIGNING, timeout_seconds: 2}", base + "/webhook/x?key=" + TOKEN),
                Sink.of(new ZapierCatchHookSinkFactory(), "{url_env: HOOK, secret_env: SIGNING, timeout_seconds: 2}"),
                Sink.of(new ZendeskReplySinkFactory(), "{base_url: '%s', email: agent@example.com, token_env: TOKEN, timeout_seconds: 2}", base),
                Sink.of(new FreshdeskReplySinkFactory(), "{base_url: '%s', token_env: TOKEN, timeout_seconds: 2}", base),
                Sink.of(new CamelEndpointSinkFactory(), "{uri_env: CAMEL_URI}"),
                Sink.of(new CamelEndpointSinkFactory(), "{uri_env: CAMEL_FAILING}"));
        List<DeliveryResult> results = new ArrayList<>();

        // when each sink meets 401, 429 and 500 answers, a closed port, and a host that is not allowed
        for (int status : new int[] {401, 429, 500}) {
            vendor.stubFor(any(anyUrl()).willReturn(aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(echo)));
            for (Sink<?> sink : sinks) {
                // the helpdesk sinks need the ticket to reply to; the others ignore these fields
                results.add(sink.deliver(environment, SinkTesting.task("evt-" + status,
                        Map.of("zendesk_ticket_id", "48210", "freshdesk_ticket_id", "9120", "public", "true"))));
            }
        }
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closed = socket.getLocalPort();
        }
        results.add(Sink.of(new HubSpotTaskSinkFactory(), "{token_env: TOKEN, base_url: '%s', timeout_seconds: 2}", "http://127.0.0.1:" + closed)
                .deliver(new SinkTesting.Environment(dir, Set.of("127.0.0.1:" + closed), secrets, Set.of()), SinkTesting.task("evt-closed")));
        results.add(Sink.of(new WebhookSinkFactory(), "{url: '%s', secret_env: SIGNING, timeout_seconds: 2}", base + "/hook?token=" + TOKEN)
                .deliver(new SinkTesting.Environment(dir, Set.of("elsewhere.example.com"), secrets, Set.of()), SinkTesting.task("evt-refused")));

        // then
        assertThat(results).hasSize(35).allSatisfy(result -> assertThat(text(result))
                .isNotBlank()
                .doesNotContain(TOKEN)
                .doesNotContain(SIGNING)
                .doesNotContain(HOOK_KEY)
                .doesNotContain(CAMEL_PASSWORD));
        assertThat(results).as("the vendors did echo credentials back").anySatisfy(result -> assertThat(text(result)).contains("[redacted]"));
        assertThat(results).filteredOn(DeliveryResult.Rejected.class::isInstance).isNotEmpty();
        assertThat(results).filteredOn(DeliveryResult.Retry.class::isInstance).isNotEmpty();
        assertThat(logs.list).as("log lines of Switchboard and Camel").isNotEmpty().allSatisfy(event -> {
            String line = event.getFormattedMessage() + (event.getThrowableProxy() == null ? "" : ThrowableProxyUtil.asString(event.getThrowableProxy()));
            assertThat(line).doesNotContain(TOKEN).doesNotContain(SIGNING).doesNotContain(HOOK_KEY).doesNotContain(CAMEL_PASSWORD);
        });
    }

    private record Sink<O extends Record>(SinkFactory<O> factory, O options) {
        static <O extends Record> Sink<O> of(SinkFactory<O> factory, String yaml, Object... values) {
            return new Sink<>(factory, YamlOptions.bind(factory.optionsType(), yaml.formatted(values)));
        }

        DeliveryResult deliver(SinkEnvironment environment, Task task) {
            assertThat(factory.check(options, environment)).allSatisfy(problem ->
                    assertThat(problem.toString()).doesNotContain(TOKEN).doesNotContain(HOOK_KEY).doesNotContain(CAMEL_PASSWORD));
            try (TaskSink sink = factory.create("sink", options, environment)) {
                return sink.deliver(task);
            }
        }
    }

    private static String text(DeliveryResult result) {
        if (result instanceof DeliveryResult.Delivered delivered) {
            return delivered.detail();
        }
        if (result instanceof DeliveryResult.Retry retry) {
            return retry.reason();
        }
        return ((DeliveryResult.Rejected) result).reason();
    }
}
