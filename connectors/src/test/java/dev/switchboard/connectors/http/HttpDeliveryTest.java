package dev.switchboard.connectors.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.connectors.secrets.Redactor;
import dev.switchboard.schemas.spi.DeliveryResult;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The status mapping every HTTP sink shares, in one table. */
class HttpDeliveryTest {

    private static final URI URL = URI.create("https://api.example.com/v1/tasks?api_token=s3cr3t");

    @ParameterizedTest(name = "HTTP {0} -> {1}")
    @CsvSource({
            "200, Delivered", "201, Delivered", "204, Delivered",
            "301, Rejected", "302, Rejected",
            "400, Rejected", "401, Rejected", "403, Rejected", "404, Rejected", "409, Rejected", "422, Rejected",
            "408, Retry", "429, Retry", "500, Retry", "502, Retry", "503, Retry", "504, Retry"})
    void should_map_status_to_outcome(int status, String outcome) {
        // given
        HttpDelivery.Answer answer = new HttpDelivery.Answer(URL, status, headers(Map.of("Retry-After", List.of("7"))),
                "{\"error\":\"vendor says no\"}");

        // when
        DeliveryResult result = HttpDelivery.result(answer, body -> body.contains("vendor") ? "vendor says no" : body, Redactor.none());

        // then
        assertThat(result.getClass().getSimpleName()).isEqualTo(outcome);
        if (result instanceof DeliveryResult.Retry retry) {
            assertThat(retry.retryAfter()).isEqualTo(Duration.ofSeconds(7));
            assertThat(retry.reason()).isEqualTo("HTTP " + status + " from https://api.example.com/v1/tasks: vendor says no");
        }
        if (result instanceof DeliveryResult.Rejected rejected) {
            assertThat(rejected.reason()).startsWith("HTTP " + status + " from https://api.example.com/v1/tasks: vendor says no")
                    .doesNotContain("s3cr3t");
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {"not json at all|not json at all", "{\"other\":1}|{\"other\":1}"})
    void should_show_the_body_when_it_is_not_the_documented_error_shape(String body, String shown) {
        // when
        DeliveryResult result = HttpDelivery.result(new HttpDelivery.Answer(URL, 400, headers(Map.of()), body),
                text -> { throw new IllegalArgumentException("not the vendor's shape"); }, Redactor.none());

        // then
        assertThat(((DeliveryResult.Rejected) result).reason()).endsWith(": " + shown);
    }

    private static HttpHeaders headers(Map<String, List<String>> values) {
        return HttpHeaders.of(values, (name, value) -> true);
    }
}
