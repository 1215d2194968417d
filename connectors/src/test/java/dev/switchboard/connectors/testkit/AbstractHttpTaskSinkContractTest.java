package dev.switchboard.connectors.testkit;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.anyUrl;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.switchboard.schemas.spi.DeliveryResult;
import dev.switchboard.schemas.spi.SinkEnvironment;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a sink that speaks HTTP promises besides {@link AbstractTaskSinkContractTest}'s, against
 * WireMock answering in the vendor's documented shapes: 429 and 5xx are retried, keeping the
 * destination's {@code Retry-After}; a request that times out is retried; any other 4xx is rejected
 * with the vendor's own message; and a credential the destination quotes back (in a header echo or
 * the URL) never reaches the reason.
 *
 * @param <O> the sink's options record
 */
public abstract class AbstractHttpTaskSinkContractTest<O extends Record> extends AbstractTaskSinkContractTest<O> {

    @RegisterExtension
    protected final WireMockExtension destination = WireMockExtension.newInstance()
            .options(wireMockConfig().dynamicPort().globalTemplating(true)).build();

    /**
     * The options as YAML, reaching the destination at {@code baseUrl} (scheme, host and port, no
     * trailing slash); the contract adds a one-second timeout.
     */
    protected abstract String options(String baseUrl);

    /** Secrets by environment variable, for options that name them; {@code baseUrl} as in {@link #options(String)}. */
    protected abstract Map<String, String> secrets(String baseUrl);

    /** Stubs the destination's documented answers when all goes well. */
    protected abstract void answerSuccessfully();

    /** The vendor's documented error body carrying {@code message}, as it answers a refused request. */
    protected abstract String errorBody(String message);

    @BeforeEach
    void answerSuccessfullyUnlessTheTestSaysOtherwise() {
        answerSuccessfully();
    }

    @Override
    protected final String options() {
        return options(baseUrl()).strip() + "\ntimeout_seconds: 1\n";
    }

    @Override
    protected final SinkEnvironment environment() {
        Set<String> hosts = Set.of("127.0.0.1:" + destination.getPort());
        Map<String, String> secrets = secrets(baseUrl());
        Path folder = dir;
        return new SinkEnvironment() {
            @Override
            public Path baseDir() {
                return folder;
            }

            @Override
            public Set<String> allowedHosts() {
                return hosts;
            }

            @Override
            public Optional<String> secret(String name) {
                return Optional.ofNullable(secrets.get(name));
            }
        };
    }

    @Override
    protected void breakDestination() {
        answerEverything(aResponse().withStatus(503).withBody("<html>Service Unavailable</html>"));
    }

    @Test
    void should_retry_after_the_wait_the_destination_names_when_it_answers_429() {
        // given
        answerEverything(json(429, errorBody("Rate limit reached")).withHeader("Retry-After", "7"));

        // when
        DeliveryResult result = sink.deliver(task("evt-http-429"));

        // then
        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Retry.class, retry -> {
            assertThat(retry.reason()).contains("HTTP 429");
            assertThat(retry.retryAfter()).isEqualTo(Duration.ofSeconds(7));
        });
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {500, 502, 503, 504})
    void should_retry_when_the_destination_answers_a_server_error(int status) {
        // given
        answerEverything(aResponse().withStatus(status).withBody("<html>Bad gateway</html>"));

        // when
        DeliveryResult result = sink.deliver(task("evt-http-" + status));

        // then
        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Retry.class, retry ->
                assertThat(retry.reason()).contains("HTTP " + status));
    }

    @ParameterizedTest(name = "HTTP {0}")
    @ValueSource(ints = {400, 401, 403, 404, 422})
    void should_reject_with_the_vendor_message_when_the_destination_refuses_the_request(int status) {
        // given
        answerEverything(json(status, errorBody("Field subject is invalid for this account")));

        // when
        DeliveryResult result = sink.deliver(task("evt-http-" + status));

        // then
        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Rejected.class, rejected -> assertThat(rejected.reason())
                .contains("HTTP " + status)
                .contains("Field subject is invalid for this account"));
    }

    @Test
    void should_retry_when_the_destination_does_not_answer_in_time() {
        // given a destination slower than the one-second timeout
        answerEverything(aResponse().withStatus(200).withFixedDelay(3000));

        // when
        DeliveryResult result = sink.deliver(task("evt-http-slow"));

        // then
        assertThat(result).isInstanceOfSatisfying(DeliveryResult.Retry.class, retry -> assertThat(retry.reason()).contains("Timed out"));
    }

    @Test
    void should_keep_a_credential_the_destination_quotes_back_out_of_the_reason() {
        // given a destination that answers with what it was sent
        answerEverything(json(401, errorBody("bad credentials {{request.headers.Authorization}} {{request.headers.x-api-token}} "
                + "{{request.headers.webhook-signature}} at {{request.url}}")));

        // when
        DeliveryResult result = sink.deliver(task("evt-http-echo"));

        // then
        assertThat(result).isInstanceOf(DeliveryResult.Rejected.class);
        assertNoSecret(reason(result));
        assertNoSecretLogged();
    }

    /** The requests the destination received, oldest first. */
    protected final List<LoggedRequest> requestsReceived() {
        List<LoggedRequest> requests = new ArrayList<>(destination.getAllServeEvents().stream().map(ServeEvent::getRequest).toList());
        Collections.reverse(requests);
        return requests;
    }

    protected final String baseUrl() {
        return "http://127.0.0.1:" + destination.getPort();
    }

    protected static ResponseDefinitionBuilder json(int status, String body) {
        return aResponse().withStatus(status).withHeader("Content-Type", "application/json").withBody(body);
    }

    private void answerEverything(ResponseDefinitionBuilder response) {
        destination.stubFor(any(anyUrl()).atPriority(1).willReturn(response));
    }
}
