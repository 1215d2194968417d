package dev.switchboard.llm.chat;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.langchain4j.http.client.HttpMethod;
import dev.langchain4j.http.client.HttpRequest;
import dev.langchain4j.http.client.SuccessfulHttpResponse;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HTTP client under LangChain4j, against a real HTTP server: plain HTTP/1.1 to a clear-text endpoint, bodies as UTF-8. */
class RetryAfterHttpClientIT {

    private HttpServer server;
    private final List<String> upgrades = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            upgrades.add(String.valueOf(exchange.getRequestHeaders().getFirst("Upgrade")));
            boolean limited = exchange.getRequestURI().getPath().endsWith("/limited");
            byte[] body = (limited ? "{\"error\": \"slow down, café\"}" : "{\"answer\": \"déjà vu\"}").getBytes(StandardCharsets.UTF_8);
            if (limited) {
                exchange.getResponseHeaders().add("Retry-After", "7");
            }
            exchange.sendResponseHeaders(limited ? 429 : 200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private HttpRequest post(String path) {
        return HttpRequest.builder().method(HttpMethod.POST).url("http://127.0.0.1:" + server.getAddress().getPort() + path)
                .addHeader("Content-Type", "application/json").body("{}").build();
    }

    @Test
    void should_send_plain_http_1_1_without_an_h2c_upgrade_and_read_utf8_bodies_when_the_endpoint_is_clear_text() {
        // given
        RetryAfterHttpClient client = RetryAfterHttpClient.builder().connectTimeout(Duration.ofSeconds(5)).readTimeout(Duration.ofSeconds(5)).build();

        // when
        SuccessfulHttpResponse ok = client.execute(post("/v1/chat/completions"));

        // then
        assertThat(ok.body()).isEqualTo("{\"answer\": \"déjà vu\"}");
        assertThatThrownBy(() -> client.execute(post("/v1/limited"))).isInstanceOfSatisfying(RetryAfterException.class, e -> {
            assertThat(e.getMessage()).contains("slow down, café");
            assertThat(e.retryAfter()).isEqualTo(Duration.ofSeconds(7));
        });
        assertThat(upgrades).containsExactly("null", "null");
    }
}
