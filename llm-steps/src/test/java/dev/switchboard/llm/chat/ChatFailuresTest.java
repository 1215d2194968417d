package dev.switchboard.llm.chat;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.InternalServerException;
import dev.langchain4j.exception.InvalidRequestException;
import dev.langchain4j.exception.RateLimitException;
import dev.langchain4j.exception.TimeoutException;
import dev.langchain4j.exception.UnresolvedModelServerException;
import java.net.ConnectException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** Retriable against permanent failures of a chat call, decided in one place. */
class ChatFailuresTest {

    @ParameterizedTest(name = "HTTP {0} retriable={1}")
    @CsvSource({
            "400, false", "401, false", "403, false", "404, false", "422, false",
            "408, true", "429, true", "500, true", "502, true", "503, true", "504, true"})
    void should_map_http_status_to_retriable_when_endpoint_answers_with_error(int status, boolean retriable) {
        // given an HTTP error as LangChain4j raises it: a typed exception around the HttpException
        RuntimeException error = new InvalidRequestException(new HttpException(status, "{\"error\":{}}"));

        // when / then
        assertThat(ChatFailures.isRetriableStatus(status)).isEqualTo(retriable);
        assertThat(ChatFailures.isRetriable(error)).isEqualTo(retriable);
    }

    static Stream<Arguments> transportFailures() {
        return Stream.of(
                Arguments.of("rate limit", new RateLimitException(new HttpException(429, "slow down")), true),
                Arguments.of("read timeout", new TimeoutException(new HttpTimeoutException("request timed out")), true),
                Arguments.of("connection refused", new RuntimeException(new ConnectException("Connection refused")), true),
                Arguments.of("unresolved host", new UnresolvedModelServerException(new UnresolvedAddressException()), true),
                Arguments.of("interrupted", new RuntimeException(new InterruptedException()), true),
                Arguments.of("no choices", new InternalServerException("no choices returned"), true),
                Arguments.of("unauthorized", new InvalidRequestException(new HttpException(401, "bad key")), false),
                Arguments.of("bug in the request", new IllegalArgumentException("schema root must be an object"), false));
    }

    @ParameterizedTest(name = "{0} retriable={2}")
    @MethodSource("transportFailures")
    void should_map_failure_to_retriable_when_call_fails(String failure, RuntimeException error, boolean retriable) {
        assertThat(ChatFailures.isRetriable(error)).isEqualTo(retriable);
    }

    @Test
    void should_cut_long_quotes_when_model_says_too_much() {
        assertThat(ChatFailures.quote("x".repeat(1000))).hasSize(203).endsWith("...");
        assertThat(ChatFailures.quote(null)).isEqualTo("(nothing)");
    }
}
