package dev.switchboard.connectors.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.connectors.sources.auth.WebhookVerifier;
import dev.switchboard.schemas.events.EventParser;
import dev.switchboard.schemas.options.OptionProblem;
import dev.switchboard.schemas.spi.HttpIngress;
import dev.switchboard.schemas.spi.Source;
import dev.switchboard.schemas.spi.SourceFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The promises every webhook source keeps, proved for each by extending this class (as every
 * LangChain4j chat model extends one abstract test): authentication of every request (missing,
 * wrong, valid, replayed), the body limit before authentication (413 before 401), its content types
 * and no other (415), and a 202 only once Kafka acknowledged the events (503 when it does not, or
 * refuses them). A refused request publishes nothing. A vendor that validates the endpoint with a
 * challenge ({@link #challenge}) has it answered only when it is authentic, and the answer publishes
 * nothing. The source runs as configured from YAML by the engine's binder, behind an ingress that keeps
 * the listener's contract.
 *
 * @param <O> the source's options record
 */
public abstract class AbstractWebhookSourceContractTest<O extends Record> {

    /** The secret every source under contract is configured with, in the variable {@link #SECRET_ENV}. */
    protected static final String SECRET = "contract-webhook-secret-3f9a71";
    protected static final String SECRET_ENV = "WEBHOOK_SECRET";
    private static final String WRONG_SECRET = "not-the-configured-secret-0000";
    private static final int MAX_BODY_BYTES = 16384;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final EventParser PARSER = new EventParser();

    @TempDir
    protected Path dir;

    protected RecordingEnvironment environment;
    private Source source;
    private int deliveries;

    /** The factory of the source under contract. */
    protected abstract SourceFactory<O> factory();

    /** The source's options as YAML, its secret in {@link #SECRET_ENV}; the contract adds the body limit and the acknowledgement timeout. */
    protected abstract String options();

    /** The path the options make the source listen on. */
    protected abstract String path();

    /** One payload in the vendor's documented shape, its credential computed with {@code secret} as the vendor computes it. */
    protected abstract Requests signed(String deliveryId, String secret);

    /** The same payload, without any credential. */
    protected abstract Requests unsigned();

    /** The hosts the source may call ({@code outbound.allowed_hosts}): none unless it fetches what a webhook names. */
    protected Set<String> allowedHosts() {
        return Set.of();
    }

    /**
     * The vendor's endpoint validation (a challenge the source must answer to be registered), signed with
     * {@code secret} as the vendor signs it; null when the vendor has none.
     */
    protected Requests challenge(String secret) {
        return null;
    }

    /** What the answer to an authentic {@link #challenge} must be, beyond its 200. */
    protected void assertChallengeAnswered(HttpIngress.Response response) {
    }

    @BeforeEach
    void startSource() throws Exception {
        environment = new RecordingEnvironment(dir, Map.of(SECRET_ENV, SECRET), allowedHosts());
        O options = YamlOptions.bind(factory().optionsType(), options().strip()
                + "\nmax_body_bytes: " + MAX_BODY_BYTES + "\nack_timeout_seconds: 1\n");
        // warnings (a host a production configuration would allow, say) do not keep a source from starting
        assertThat(factory().check(options, environment)).as("the contract's options pass the factory's checks")
                .filteredOn(problem -> problem.severity() != OptionProblem.Severity.WARNING).isEmpty();
        source = factory().create("contract", options, environment);
        source.start();
    }

    @AfterEach
    void closeSource() {
        source.close();
    }

    @Test
    void should_answer_202_and_publish_valid_events_when_the_request_is_authentic() throws Exception {
        // when
        HttpIngress.Response response = post(signed(nextDelivery(), SECRET));

        // then
        assertThat(response.status()).isEqualTo(202);
        assertThat(environment.published()).isNotEmpty().allSatisfy(published ->
                assertThat(PARSER.parse(published.event())).isInstanceOf(EventParser.Accepted.class));
    }

    @Test
    void should_answer_401_and_publish_nothing_when_the_credential_is_missing() throws Exception {
        // when
        HttpIngress.Response response = post(unsigned());

        // then
        assertThat(response.status()).isEqualTo(401);
        assertThat(environment.published()).isEmpty();
    }

    @Test
    void should_answer_401_and_publish_nothing_when_the_credential_is_wrong() throws Exception {
        // when
        HttpIngress.Response response = post(signed(nextDelivery(), WRONG_SECRET));

        // then
        assertThat(response.status()).isEqualTo(401);
        assertThat(environment.published()).isEmpty();
    }

    @Test
    void should_publish_a_replayed_delivery_once_or_under_the_same_event_ids_when_it_comes_again() throws Exception {
        // given an accepted delivery
        Requests delivery = signed(nextDelivery(), SECRET);
        assertThat(post(delivery).status()).isEqualTo(202);
        List<String> first = eventIds();

        // when the very same request comes again
        HttpIngress.Response replay = post(delivery);

        // then a scheme that signs a delivery id or a timestamp refuses it; one that signs neither lets
        // it through under the same event ids, which downstream deduplication absorbs
        if (WebhookVerifier.Scheme.of((String) source.health().get("auth")).orElseThrow().remembersDeliveries()) {
            assertThat(replay.status()).isEqualTo(409);
            assertThat(eventIds()).isEqualTo(first);
        } else {
            assertThat(replay.status()).isEqualTo(202);
            List<String> all = eventIds();
            assertThat(all.subList(first.size(), all.size())).isEqualTo(first);
        }
    }

    @Test
    void should_answer_413_before_authenticating_when_the_body_is_over_the_limit() throws Exception {
        // when an unauthenticated request is also too large
        HttpIngress.Response response = post(unsigned().body(new byte[MAX_BODY_BYTES + 1]));

        // then the limit is the configured one and it answers first
        assertThat(environment.limit(path())).isEqualTo(MAX_BODY_BYTES);
        assertThat(response.status()).isEqualTo(413);
        assertThat(environment.published()).isEmpty();
    }

    @Test
    void should_answer_415_and_publish_nothing_when_the_content_type_is_not_one_it_reads() throws Exception {
        // when an authentic request says its body is plain text
        HttpIngress.Response response = post(signed(nextDelivery(), SECRET).without("Content-Type").header("Content-Type", "text/plain"));

        // then
        assertThat(response.status()).isEqualTo(415);
        assertThat(environment.published()).isEmpty();
    }

    @Test
    void should_answer_503_and_never_202_when_kafka_does_not_acknowledge_in_time() throws Exception {
        // given
        environment.kafka(RecordingEnvironment.Kafka.NEVER_ANSWERS);

        // when
        HttpIngress.Response response = post(signed(nextDelivery(), SECRET));

        // then
        assertThat(response.status()).isEqualTo(503);
        assertThat(environment.published()).isEmpty();
    }

    @Test
    void should_answer_503_when_kafka_refuses_the_events() throws Exception {
        // given
        environment.kafka(RecordingEnvironment.Kafka.FAILS);

        // when
        HttpIngress.Response response = post(signed(nextDelivery(), SECRET));

        // then
        assertThat(response.status()).isEqualTo(503);
        assertThat(environment.published()).isEmpty();
    }

    @Test
    void should_answer_the_challenge_and_publish_nothing_when_the_vendor_validates_the_endpoint() throws Exception {
        Requests challenge = challenge(SECRET);
        Assumptions.assumeTrue(challenge != null, "the vendor validates no endpoint");

        // when
        HttpIngress.Response response = post(challenge);

        // then
        assertThat(response.status()).isEqualTo(200);
        assertChallengeAnswered(response);
        assertThat(environment.published()).isEmpty();
    }

    @Test
    void should_answer_401_and_sign_nothing_when_a_challenge_is_not_the_vendor_s() throws Exception {
        Requests challenge = challenge(WRONG_SECRET);
        Assumptions.assumeTrue(challenge != null, "the vendor validates no endpoint");

        // when someone without the secret asks the source to answer a challenge of their choosing
        HttpIngress.Response response = post(challenge);

        // then it answers nothing it computed with the secret
        assertThat(response.status()).isEqualTo(401);
        assertThat(environment.published()).isEmpty();
    }

    private HttpIngress.Response post(Requests request) throws Exception {
        return environment.route(path()).handle(request.build());
    }

    private String nextDelivery() {
        return "delivery-" + (++deliveries);
    }

    private List<String> eventIds() {
        return environment.published().stream().map(published -> {
            try {
                return JSON.readTree(published.event()).path("id").asText();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).toList();
    }
}
