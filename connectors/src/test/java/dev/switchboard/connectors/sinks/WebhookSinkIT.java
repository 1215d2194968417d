package dev.switchboard.connectors.sinks;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.switchboard.connectors.testkit.YamlOptions;
import dev.switchboard.schemas.Task;
import dev.switchboard.schemas.spi.DeliveryResult;
import dev.switchboard.schemas.spi.SinkEnvironment;
import dev.switchboard.schemas.spi.TaskSink;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The webhook sink against a real HTTP server on the loopback interface. */
class WebhookSinkIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SECRET_NAME = "HOOK_SECRET";
    private static final byte[] SECRET_KEY = "0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private static final String SECRET = "whsec_" + Base64.getEncoder().encodeToString(SECRET_KEY);
    private static final String PLAIN_SECRET_NAME = "PLAIN_SECRET";
    private static final String PLAIN_SECRET = "a plain shared secret";

    /** What the endpoint answers: status, headers, body, and how long it waits first. */
    private record Reply(int status, Map<String, String> headers, String body, Duration delay) {
        static Reply of(int status) {
            return new Reply(status, Map.of(), "", Duration.ZERO);
        }

        static Reply of(int status, String body) {
            return new Reply(status, Map.of(), body, Duration.ZERO);
        }

        static Reply of(int status, Map<String, String> headers) {
            return new Reply(status, headers, "", Duration.ZERO);
        }
    }

    /** One request as the endpoint saw it. */
    private record Received(String method, Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            return headers.entrySet().stream()
                    .filter(entry -> entry.getKey().equalsIgnoreCase(name))
                    .map(entry -> entry.getValue().get(0))
                    .findFirst().orElse(null);
        }
    }

    @TempDir
    Path dir;

    private HttpServer server;
    private ExecutorService executor;
    private final AtomicReference<Reply> reply = new AtomicReference<>(Reply.of(200));
    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger redirectTargetCalls = new AtomicInteger();
    private String hostPort;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        executor = Executors.newCachedThreadPool(runnable -> {
            Thread thread = new Thread(runnable, "webhook-endpoint");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/hook", this::handleHook);
        server.createContext("/elsewhere", exchange -> {
            redirectTargetCalls.incrementAndGet();
            try {
                exchange.getRequestBody().readAllBytes();
                exchange.sendResponseHeaders(200, -1);
            } finally {
                exchange.close();
            }
        });
        server.start();
        hostPort = "127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stopServer() throws InterruptedException {
        server.stop(0);
        executor.shutdownNow();
        executor.awaitTermination(5, TimeUnit.SECONDS);
    }

    private void handleHook(HttpExchange exchange) throws IOException {
        try {
            byte[] body = exchange.getRequestBody().readAllBytes();
            received.add(new Received(exchange.getRequestMethod(), Map.copyOf(exchange.getRequestHeaders()), body));
            Reply answer = reply.get();
            if (!answer.delay().isZero()) {
                try {
                    Thread.sleep(answer.delay().toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            answer.headers().forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            byte[] bytes = answer.body().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(answer.status(), bytes.length == 0 ? -1 : bytes.length);
            if (bytes.length > 0) {
                exchange.getResponseBody().write(bytes);
            }
        } finally {
            exchange.close();
        }
    }

    // ---- delivery -------------------------------------------------------------------------------

    @Test
    void should_deliver_with_idempotency_key_and_json_body_when_endpoint_answers_2xx() throws IOException {
        // given
        reply.set(Reply.of(200));
        Task task = task("evt-1");

        // when
        DeliveryResult result = deliver(options(url("/hook")), task);

        // then
        assertThat(result).isInstanceOf(DeliveryResult.Delivered.class);
        assertThat(received).hasSize(1);
        Received request = received.get(0);
        assertThat(request.method()).isEqualTo("POST");
        assertThat(request.header("Idempotency-Key")).isEqualTo(task.id());
        assertThat(request.header("Content-Type")).startsWith("application/json");
        JsonNode body = JSON.readTree(request.body());
        assertThat(body).isEqualTo(JSON.valueToTree(task));
        assertThat(body.path("id").asText()).isEqualTo(task.id());
        assertThat(body.path("title").asText()).isEqualTo("Refund request");
        // unsigned without a secret
        assertThat(request.header("webhook-signature")).isNull();
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {200, 201, 202, 204})
    void should_deliver_when_endpoint_answers_any_2xx(int status) {
        // given
        reply.set(Reply.of(status));

        // when
        DeliveryResult result = deliver(options(url("/hook")), task("evt-2xx"));

        // then
        assertThat(result).isEqualTo(new DeliveryResult.Delivered("HTTP " + status));
    }

    @Test
    void should_send_configured_headers_when_options_have_headers() {
        // given
        WebhookSinkFactory.Options options = options(url("/hook"), "headers: {X-Team: support}");

        // when
        DeliveryResult result = deliver(options, task("evt-headers"));

        // then
        assertThat(result).isInstanceOf(DeliveryResult.Delivered.class);
        assertThat(received.get(0).header("X-Team")).isEqualTo("support");
    }

    @Test
    void should_sign_per_standard_webhooks_when_secret_env_is_set() throws Exception {
        // given
        WebhookSinkFactory.Options options = options(url("/hook"), "secret_env: " + SECRET_NAME);
        Task task = task("evt-signed");
        long before = Instant.now().getEpochSecond();

        // when
        DeliveryResult result = deliver(options, task);

        // then the three headers are there, and the signature verifies with the decoded whsec_ key
        assertThat(result).isInstanceOf(DeliveryResult.Delivered.class);
        Received request = received.get(0);
        String id = request.header("webhook-id");
        String timestamp = request.header("webhook-timestamp");
        String signatures = request.header("webhook-signature");
        assertThat(id).isEqualTo(task.id());
        assertThat(timestamp).matches("[0-9]+");
        assertThat(Long.parseLong(timestamp)).isBetween(before - 1, Instant.now().getEpochSecond() + 1);
        assertThat(signatures).isNotBlank();

        String expected = "v1," + Base64.getEncoder().encodeToString(
                hmacSha256(SECRET_KEY, (id + "." + timestamp + ".").getBytes(StandardCharsets.UTF_8), request.body()));
        assertThat(signatures.split(" ")).anySatisfy(signature ->
                assertThat(MessageDigest.isEqual(signature.getBytes(StandardCharsets.US_ASCII),
                        expected.getBytes(StandardCharsets.US_ASCII))).isTrue());
    }

    @Test
    void should_sign_with_utf8_bytes_of_secret_when_secret_has_no_whsec_prefix() throws Exception {
        // given
        WebhookSinkFactory.Options options = options(url("/hook"), "secret_env: " + PLAIN_SECRET_NAME);

        // when
        deliver(options, task("evt-plain-secret"));

        // then
        Received request = received.get(0);
        String expected = "v1," + Base64.getEncoder().encodeToString(hmacSha256(PLAIN_SECRET.getBytes(StandardCharsets.UTF_8),
                (request.header("webhook-id") + "." + request.header("webhook-timestamp") + ".").getBytes(StandardCharsets.UTF_8),
                request.body()));
        assertThat(request.header("webhook-signature").split(" ")).contains(expected);
    }

    @Test
    void should_not_verify_when_body_is_changed_after_signing() throws Exception {
        // given a signed request
        deliver(options(url("/hook"), "secret_env: " + SECRET_NAME), task("evt-tampered"));
        Received request = received.get(0);
        byte[] tampered = new String(request.body(), StandardCharsets.UTF_8)
                .replace("Refund request", "Refund request!").getBytes(StandardCharsets.UTF_8);

        // when
        String recomputed = "v1," + Base64.getEncoder().encodeToString(hmacSha256(SECRET_KEY,
                (request.header("webhook-id") + "." + request.header("webhook-timestamp") + ".").getBytes(StandardCharsets.UTF_8),
                tampered));

        // then
        assertThat(request.header("webhook-signature")).isNotEqualTo(recomputed);
    }

    // ---- retry ----------------------------------------------------------------------------------

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {500, 502, 503, 408})
    void should_retry_when_endpoint_answers_server_error_or_408(int status) {
        // given
        reply.set(Reply.of(status, "try later"));

        // when
        DeliveryResult result = deliver(options(url("/hook")), task("evt-5xx"));

        // then
        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Retry.class, retry -> {
            assertThat(retry.reason()).contains("HTTP " + status).contains("try later");
            assertThat(retry.retryAfter()).isNull();
        });
    }

    @Test
    void should_retry_after_given_seconds_when_endpoint_answers_429_with_retry_after() {
        // given
        reply.set(Reply.of(429, Map.of("Retry-After", "3")));

        // when
        DeliveryResult result = deliver(options(url("/hook")), task("evt-429"));

        // then
        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Retry.class, retry -> {
            assertThat(retry.reason()).contains("HTTP 429");
            assertThat(retry.retryAfter()).isEqualTo(Duration.ofSeconds(3));
        });
    }

    @Test
    void should_retry_after_time_until_date_when_retry_after_is_http_date() {
        // given
        String date = DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusSeconds(120));
        reply.set(Reply.of(503, Map.of("Retry-After", date)));

        // when
        DeliveryResult result = deliver(options(url("/hook")), task("evt-503-date"));

        // then
        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Retry.class, retry ->
                assertThat(retry.retryAfter()).isBetween(Duration.ofSeconds(100), Duration.ofSeconds(120)));
    }

    @Test
    void should_retry_without_wait_when_retry_after_is_a_date_in_the_past() {
        // given
        reply.set(Reply.of(503, Map.of("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT")));

        // when
        DeliveryResult result = deliver(options(url("/hook")), task("evt-503-past"));

        // then
        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Retry.class, retry ->
                assertThat(retry.retryAfter()).isEqualTo(Duration.ZERO));
    }

    @Test
    void should_retry_without_wait_hint_when_retry_after_is_unreadable() {
        // given
        reply.set(Reply.of(429, Map.of("Retry-After", "soon")));

        // when
        DeliveryResult result = deliver(options(url("/hook")), task("evt-429-soon"));

        // then
        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Retry.class, retry ->
                assertThat(retry.retryAfter()).isNull());
    }

    @Test
    void should_retry_when_endpoint_is_slower_than_timeout() {
        // given an endpoint that answers after 3 s and a 1 s timeout
        reply.set(new Reply(200, Map.of(), "", Duration.ofSeconds(3)));
        WebhookSinkFactory.Options options = YamlOptions.bind(WebhookSinkFactory.Options.class, "{url: \"" + url("/hook") + "\", timeout_seconds: 1}");

        // when
        DeliveryResult result = deliver(options, task("evt-slow"));

        // then
        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Retry.class, retry ->
                assertThat(retry.reason()).contains("Timed out after 1 s"));
    }

    @Test
    void should_retry_when_connection_is_refused() throws IOException {
        // given a port nothing listens on
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            closedPort = socket.getLocalPort();
        }
        String url = "http://127.0.0.1:" + closedPort + "/hook";
        SinkEnvironment environment = environment(Set.of("127.0.0.1:" + closedPort));

        // when
        DeliveryResult result;
        try (TaskSink sink = new WebhookSinkFactory().create("hook", options(url), environment)) {
            result = sink.deliver(task("evt-refused"));
        }

        // then
        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Retry.class, retry ->
                assertThat(retry.reason()).contains("Connection failed").contains("127.0.0.1:" + closedPort));
    }

    // ---- reject ---------------------------------------------------------------------------------

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {400, 401, 403, 404, 422})
    void should_reject_with_status_and_truncated_body_when_endpoint_answers_client_error(int status) {
        // given a long error body
        String body = "e".repeat(1000);
        reply.set(Reply.of(status, body));

        // when
        DeliveryResult result = deliver(options(url("/hook")), task("evt-4xx"));

        // then
        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Rejected.class, rejected -> assertThat(rejected.reason())
                .contains("HTTP " + status)
                .contains("e".repeat(300) + "…")
                .doesNotContain("e".repeat(301)));
    }

    @Test
    void should_report_delivered_when_endpoint_answers_409() {
        // given the receiver already has this idempotency key
        reply.set(Reply.of(409, "duplicate"));

        // when
        DeliveryResult result = deliver(options(url("/hook")), task("evt-409"));

        // then
        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Delivered.class, delivered ->
                assertThat(delivered.detail()).contains("409"));
    }

    @Test
    void should_reject_and_not_follow_when_endpoint_redirects() {
        // given
        reply.set(Reply.of(302, Map.of("Location", url("/elsewhere"))));

        // when
        DeliveryResult result = deliver(options(url("/hook")), task("evt-302"));

        // then
        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Rejected.class, rejected -> assertThat(rejected.reason())
                .contains("HTTP 302")
                .contains("Redirects are not followed"));
        assertThat(received).hasSize(1);
        assertThat(redirectTargetCalls).hasValue(0);
    }

    @Test
    void should_reject_without_request_when_host_is_not_allowed() {
        // given a reachable server whose host:port is not on the allow list
        SinkEnvironment environment = environment(Set.of("hooks.example.com", "127.0.0.1:1"));

        // when
        DeliveryResult result;
        try (TaskSink sink = new WebhookSinkFactory().create("hook", options(url("/hook")), environment)) {
            result = sink.deliver(task("evt-not-allowed"));
        }

        // then
        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Rejected.class, rejected ->
                assertThat(rejected.reason()).contains("is not in outbound.allowed_hosts"));
        assertThat(received).isEmpty();
    }

    @Test
    void should_leave_query_out_of_reason_when_url_carries_token() {
        // given
        reply.set(Reply.of(500, "boom"));

        // when
        DeliveryResult result = deliver(options(url("/hook?token=s3cr3t")), task("evt-token"));

        // then
        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Retry.class, retry ->
                assertThat(retry.reason()).contains(hostPort + "/hook").doesNotContain("s3cr3t"));
    }

    // ---- check ----------------------------------------------------------------------------------

    @Test
    void should_report_no_problem_when_options_are_valid() {
        // given
        WebhookSinkFactory.Options options = options(url("/hook"), "secret_env: " + SECRET_NAME);

        // when
        List<String> problems = messages(new WebhookSinkFactory().check(options, environment(Set.of(hostPort))));

        // then
        assertThat(problems).isEmpty();
    }

    @Test
    void should_report_host_when_url_host_is_not_allowed() {
        // given
        WebhookSinkFactory.Options options = options("https://n8n.example.org/webhook/triage");

        // when
        List<String> problems = messages(new WebhookSinkFactory().check(options, environment(Set.of("n8n.example.com"))));

        // then
        assertThat(problems).singleElement().asString()
                .contains("'n8n.example.org:443' is not in outbound.allowed_hosts")
                .contains("n8n.example.com");
    }

    @Test
    void should_report_scheme_when_url_is_file() {
        // given
        WebhookSinkFactory.Options options = options("file:///etc/passwd");

        // when
        List<String> problems = messages(new WebhookSinkFactory().check(options, environment(Set.of(hostPort))));

        // then
        assertThat(problems).singleElement().asString().contains("Refused URL scheme 'file'");
    }

    @Test
    void should_report_link_local_when_url_is_cloud_metadata_even_if_allowed() {
        // given
        WebhookSinkFactory.Options options = options("http://169.254.169.254/latest/meta-data");

        // when
        List<String> problems = messages(new WebhookSinkFactory().check(options, environment(Set.of("169.254.169.254"))));

        // then
        assertThat(problems).singleElement().asString().contains("link-local").contains("169.254.169.254");
    }

    @Test
    void should_report_invalid_url_when_url_cannot_be_parsed() {
        // given
        WebhookSinkFactory.Options options = options("http://exa mple.com/hook");

        // when
        List<String> problems = messages(new WebhookSinkFactory().check(options, environment(Set.of(hostPort))));

        // then
        assertThat(problems).singleElement().asString().contains("Invalid URL at url");
    }

    @Test
    void should_report_missing_secret_when_secret_env_is_not_set() {
        // given
        WebhookSinkFactory.Options options = options(url("/hook"), "secret_env: " + "UNSET_SECRET");

        // when
        List<String> problems = messages(new WebhookSinkFactory().check(options, environment(Set.of(hostPort))));

        // then
        assertThat(problems).singleElement().asString()
                .contains("Missing secret at secret_env")
                .contains("UNSET_SECRET");
    }

    // ---- helpers --------------------------------------------------------------------------------

    private DeliveryResult deliver(WebhookSinkFactory.Options options, Task task) {
        try (TaskSink sink = new WebhookSinkFactory().create("hook", options, environment(Set.of(hostPort)))) {
            return sink.deliver(task);
        }
    }

    private String url(String pathAndQuery) {
        return "http://" + hostPort + pathAndQuery;
    }

    /** Options with this URL, a 5-second timeout and the YAML lines given. */
    private static WebhookSinkFactory.Options options(String url, String... lines) {
        return YamlOptions.bind(WebhookSinkFactory.Options.class, "url: \"" + url + "\"\ntimeout_seconds: 5\n" + String.join("\n", lines));
    }

    private SinkEnvironment environment(Set<String> allowedHosts) {
        Map<String, String> secrets = Map.of(SECRET_NAME, SECRET, PLAIN_SECRET_NAME, PLAIN_SECRET);
        Path baseDir = dir;
        return new SinkEnvironment() {
            @Override
            public Path baseDir() {
                return baseDir;
            }

            @Override
            public Set<String> allowedHosts() {
                return allowedHosts;
            }

            @Override
            public Optional<String> secret(String name) {
                return Optional.ofNullable(secrets.get(name));
            }
        };
    }

    private static Task task(String eventId) {
        return new Task(Task.idFor("ticket-triage", "/test", eventId, "create-task"), "ticket-triage", "create-task", "hook",
                eventId, "ticket.created", "Refund request", "Customer asks for a refund of order 1234 — ünïcödé",
                "high", "2026-11-03", "agent@example.com", Map.of("label", "billing", "confidence", 0.92), null,
                "2026-11-02T09:00:00Z");
    }

    private static byte[] hmacSha256(byte[] key, byte[] prefix, byte[] body) throws Exception {
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key, "HmacSHA256"));
        mac.update(prefix);
        return mac.doFinal(body);
    }

    private static List<String> messages(List<dev.switchboard.schemas.options.OptionProblem> problems) {
        return problems.stream().map(Object::toString).toList();
    }
}
