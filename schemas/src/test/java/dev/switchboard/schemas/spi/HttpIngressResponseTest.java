package dev.switchboard.schemas.spi;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Error bodies echo what a caller sent (a path, a header): whatever it holds, the body is one JSON object with that text. */
class HttpIngressResponseTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "/a\"b", "/ends-with-backslash\\", "/\\\"},\"admin\":true,\"x\":{\"", "/new\nline\r\ttab", "/nul\u0000bell\u0007esc\u001b",
            "/del\u007fc1\u0085", "/ünïcödé/日本語/😀", "/\u2028line\u2029separators", "/lone\ud800surrogate"})
    void should_answer_one_json_object_with_the_exact_text_when_an_error_message_echoes_anything(String path) throws Exception {
        // when
        HttpIngress.Response response = HttpIngress.Response.error(404, "No route for " + path);

        // then
        String body = new String(response.body(), StandardCharsets.UTF_8);
        JsonNode parsed = JSON.readTree(body);
        assertThat(response.status()).isEqualTo(404);
        assertThat(response.contentType()).isEqualTo("application/json");
        assertThat(parsed.size()).as(body).isEqualTo(1);
        String expected = path.contains("\ud800") ? "No route for " + path.replace("\ud800", "?") : "No route for " + path;
        assertThat(parsed.path("error").asText()).isEqualTo(expected);
        assertThat(body).doesNotContainPattern("[\\x00-\\x1f]");
    }
}
