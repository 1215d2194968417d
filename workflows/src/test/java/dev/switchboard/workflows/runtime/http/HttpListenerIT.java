package dev.switchboard.workflows.runtime.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.switchboard.schemas.spi.HttpIngress.Response;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * One listener on 127.0.0.1, driven by a real HTTP client and by raw sockets that misbehave: bodies
 * over the limit, headers that never end, bodies held back, too many connections, foreign host
 * names, a busy worker pool and a handler that throws.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HttpListenerIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final ListenerSpec.Limits LIMITS = new ListenerSpec.Limits(Duration.ofMillis(700), Duration.ofMillis(900),
            Duration.ofSeconds(30), 50, 2, 2);

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final AtomicInteger handled = new AtomicInteger();
    private Vertx vertx;
    private HttpListener listener;

    @BeforeEach
    void startVertx() {
        vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setUseDaemonThread(true));
    }

    @AfterEach
    void stop() throws Exception {
        if (listener != null) {
            listener.stop();
        }
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private HttpListener start(ListenerSpec.Limits limits, AllowedHosts hosts) {
        listener = new HttpListener(new ListenerSpec("http", "127.0.0.1", 0, 1_000_000, limits, hosts, null), registry);
        listener.route("/hook", 100, request -> {
            handled.incrementAndGet();
            return Response.json(202, "{\"bytes\":" + request.body().length + "}");
        });
        listener.start(vertx);
        return listener;
    }

    private double refused(String reason) {
        Counter counter = registry.find("switchboard.http.refused").tag("reason", reason).counter();
        return counter == null ? 0 : counter.count();
    }

    private HttpResponse<String> post(String path, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + listener.port() + path))
                .timeout(Duration.ofSeconds(10)).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void should_hand_the_body_to_the_handler_when_it_is_within_the_limit() throws Exception {
        // given
        start(LIMITS, null);

        // when
        HttpResponse<String> response = post("/hook?a=1", "x".repeat(100));

        // then
        assertThat(response.statusCode()).isEqualTo(202);
        assertThat(response.body()).isEqualTo("{\"bytes\":100}");
        assertThat(response.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(handled).hasValue(1);
    }

    @Test
    void should_answer_413_before_the_handler_runs_when_content_length_is_over_the_limit() throws Exception {
        // given
        start(LIMITS, null);

        // when
        HttpResponse<String> response = post("/hook", "x".repeat(101));

        // then
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(handled).hasValue(0);
        assertThat(refused("body_too_large")).isEqualTo(1);
    }

    @Test
    void should_answer_413_before_the_handler_runs_when_a_chunked_body_grows_over_the_limit() throws Exception {
        // given
        start(LIMITS, null);

        try (Socket socket = socket()) {
            // when the body comes in chunks without a Content-Length
            write(socket, "POST /hook HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n");
            write(socket, "40\r\n" + "x".repeat(64) + "\r\n");
            write(socket, "40\r\n" + "x".repeat(64) + "\r\n");

            // then
            assertThat(readUntilClosed(socket)).startsWith("HTTP/1.1 413");
        }
        assertThat(handled).hasValue(0);
    }

    @Test
    void should_close_the_connection_when_headers_do_not_arrive_within_the_header_timeout() throws Exception {
        // given
        start(LIMITS, null);

        try (Socket socket = socket()) {
            // when a client starts a request and never finishes its headers
            write(socket, "POST /hook HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ");

            // then the listener closes it without an answer
            assertThat(readUntilClosed(socket)).isEmpty();
        }
        assertThat(refused("header_timeout")).isEqualTo(1);
        assertThat(handled).hasValue(0);
    }

    @Test
    void should_answer_408_and_close_when_the_body_is_held_back() throws Exception {
        // given
        start(LIMITS, null);

        try (Socket socket = socket()) {
            // when a client announces 80 bytes and sends 10
            write(socket, "POST /hook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 80\r\n\r\n" + "x".repeat(10));

            // then
            assertThat(readUntilClosed(socket)).startsWith("HTTP/1.1 408").contains("Connection: close");
        }
        assertThat(refused("body_timeout")).isEqualTo(1);
        assertThat(handled).hasValue(0);
    }

    @Test
    void should_close_an_idle_kept_alive_connection_after_the_header_timeout() throws Exception {
        // given
        start(LIMITS, null);

        try (Socket socket = socket()) {
            // when a client sends one request and then nothing
            write(socket, "POST /hook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\nok");

            // then it gets its answer, and then the connection is closed
            assertThat(readUntilClosed(socket)).startsWith("HTTP/1.1 202");
        }
        assertThat(handled).hasValue(1);
        assertThat(refused("header_timeout")).isEqualTo(1);
    }

    @Test
    void should_close_connections_over_the_limit_when_too_many_are_open() throws Exception {
        // given a listener that keeps two connections
        start(new ListenerSpec.Limits(Duration.ofSeconds(20), Duration.ofSeconds(20), Duration.ofSeconds(30), 2, 2, 2), null);

        try (Socket first = socket(); Socket second = socket()) {
            await().atMost(Duration.ofSeconds(5)).until(() -> registry.get("switchboard.http.connections").gauge().value() == 2);

            // when a third one connects
            try (Socket third = socket()) {
                // then it is closed at once, while the first two still work
                assertThat(readUntilClosed(third)).isEmpty();
            }
            write(first, "POST /hook HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok");
            assertThat(readUntilClosed(first)).startsWith("HTTP/1.1 202");
        }
        assertThat(refused("connection_limit")).isEqualTo(1);
    }

    @Test
    void should_answer_421_when_the_host_is_a_name_it_does_not_know() throws Exception {
        // given an admin-style listener that answers to localhost and IP addresses
        listener = new HttpListener(new ListenerSpec("admin", "127.0.0.1", 0, 1_000_000, LIMITS,
                new AllowedHosts(List.of("localhost", "switchboard-admin.ops.svc")), null), registry);
        listener.route("/hook", 100, request -> {
            handled.incrementAndGet();
            return Response.json(202, "{}");
        });
        listener.start(vertx);

        // then
        assertThat(status("evil.example:" + listener.port())).startsWith("HTTP/1.1 421")
                .contains("expected an IP address or a name in admin.allowed_hosts");
        assertThat(status("localhost.evil.example")).startsWith("HTTP/1.1 421");
        assertThat(status(null)).startsWith("HTTP/1.1 421");
        assertThat(status("localhost:" + listener.port())).startsWith("HTTP/1.1 202");
        assertThat(status("SWITCHBOARD-ADMIN.ops.svc.")).startsWith("HTTP/1.1 202");
        assertThat(status("127.0.0.1:" + listener.port())).startsWith("HTTP/1.1 202");
        assertThat(status("10.1.2.3")).startsWith("HTTP/1.1 202");
        assertThat(status("[::1]:" + listener.port())).startsWith("HTTP/1.1 202");
        assertThat(handled).hasValue(5);
        assertThat(refused("host")).isEqualTo(3);
    }

    private String status(String host) throws IOException {
        try (Socket socket = socket()) {
            write(socket, "POST /hook HTTP/1.1\r\n" + (host == null ? "" : "Host: " + host + "\r\n")
                    + "Content-Length: 2\r\nConnection: close\r\n\r\nok");
            return readUntilClosed(socket);
        }
    }

    @Test
    void should_answer_inline_routes_and_refuse_with_503_when_every_worker_and_the_queue_are_taken() throws Exception {
        // given one worker and no queue, and a handler that blocks until released
        start(new ListenerSpec.Limits(Duration.ofSeconds(20), Duration.ofSeconds(20), Duration.ofSeconds(30), 50, 1, 0), null);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch entered = new CountDownLatch(1);
        listener.route("/slow", 100, request -> {
            entered.countDown();
            release.await(30, TimeUnit.SECONDS);
            return Response.json(200, "{}");
        });
        listener.routeInline("/health/live", request -> Response.json(200, "{\"status\":\"UP\"}"));

        // when the only worker is busy
        CompletableFuture<HttpResponse<String>> slow = HTTP.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + listener.port() + "/slow"))
                .POST(HttpRequest.BodyPublishers.ofString("a")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();

        // then another request is refused at once, and the inline route answers
        HttpResponse<String> busy = post("/hook", "b");
        assertThat(busy.statusCode()).isEqualTo(503);
        assertThat(busy.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + listener.port() + "/health/live")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(200);
        assertThat(refused("overloaded")).isEqualTo(1);

        // and once released, the slow one is answered
        release.countDown();
        assertThat(slow.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }

    @Test
    void should_free_the_worker_while_an_asynchronous_answer_is_pending() throws Exception {
        // given one worker, and an asynchronous handler whose answers the test completes
        start(new ListenerSpec.Limits(Duration.ofSeconds(20), Duration.ofSeconds(20), Duration.ofSeconds(30), 50, 1, 4), null);
        List<CompletableFuture<Response>> answers = new java.util.concurrent.CopyOnWriteArrayList<>();
        listener.routeAsync("/acked", 100, request -> {
            CompletableFuture<Response> answer = new CompletableFuture<>();
            answers.add(answer);
            return answer;
        });

        // when two requests come while neither is answered
        List<CompletableFuture<HttpResponse<String>>> responses = List.of(1, 2).stream().map(i -> HTTP.sendAsync(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + listener.port() + "/acked")).POST(HttpRequest.BodyPublishers
                        .ofString("e" + i)).build(), HttpResponse.BodyHandlers.ofString())).toList();

        // then both reached the handler with one worker, and each is answered when its answer completes, from another thread
        await().atMost(Duration.ofSeconds(10)).until(() -> answers.size() == 2);
        assertThat(responses).noneMatch(CompletableFuture::isDone);
        Thread completer = new Thread(() -> answers.forEach(answer -> answer.complete(Response.json(202, "{}"))));
        completer.start();
        for (CompletableFuture<HttpResponse<String>> response : responses) {
            assertThat(response.get(10, TimeUnit.SECONDS).statusCode()).isEqualTo(202);
        }
        assertThat(post("/hook", "c").statusCode()).isEqualTo(202);
    }

    @Test
    void should_refuse_to_start_with_the_address_when_the_port_is_taken() throws Exception {
        // given
        start(LIMITS, null);
        HttpListener second = new HttpListener(new ListenerSpec("admin", "127.0.0.1", listener.port(), 1_000_000, LIMITS, null, null),
                registry);

        // then
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> second.start(vertx))
                .hasMessageStartingWith("Cannot listen at admin.port: got '127.0.0.1:" + listener.port() + "', expected a free address");
    }

    @Test
    void should_answer_500_without_detail_when_a_handler_throws() throws Exception {
        // given
        start(LIMITS, null);
        listener.route("/broken", 100, request -> {
            throw new IllegalStateException("secret detail");
        });

        // when
        HttpResponse<String> response = post("/broken", "a");

        // then
        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).doesNotContain("secret detail");
    }

    @Test
    void should_answer_404_when_no_route_matches_and_refuse_a_second_handler_for_a_path() throws Exception {
        // given
        start(LIMITS, null);

        // then
        assertThat(post("/nothing", "a").statusCode()).isEqualTo(404);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> listener.route("/hook", 10, request -> Response.json(200, "{}")))
                .hasMessageContaining("Two handlers for HTTP path /hook");
    }

    @Test
    void should_decode_every_query_parameter_in_order() {
        assertThat(RequestExchange.query("a=1&b=x%20y&a=2&flag")).containsExactly(
                java.util.Map.entry("a", List.of("1", "2")), java.util.Map.entry("b", List.of("x y")), java.util.Map.entry("flag", List.of("")));
    }

    private Socket socket() throws IOException {
        Socket socket = new Socket("127.0.0.1", listener.port());
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static void write(Socket socket, String text) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write(text.getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** Everything the server sends until it closes the connection; fails the test when it is still open after 10 s. */
    private static String readUntilClosed(Socket socket) throws IOException {
        ByteArrayOutputStream read = new ByteArrayOutputStream();
        InputStream in = socket.getInputStream();
        byte[] buffer = new byte[4096];
        try {
            for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                read.write(buffer, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("The connection is still open after 10 s; read so far: " + read.toString(StandardCharsets.US_ASCII), e);
        } catch (SocketException reset) {
            // a reset after the answer ends the connection too
        }
        return read.toString(StandardCharsets.US_ASCII);
    }
}
