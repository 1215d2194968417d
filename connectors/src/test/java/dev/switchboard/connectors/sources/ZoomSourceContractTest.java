package dev.switchboard.connectors.sources;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.switchboard.connectors.testkit.AbstractWebhookSourceContractTest;
import dev.switchboard.connectors.testkit.Requests;
import dev.switchboard.connectors.testkit.Signatures;
import dev.switchboard.schemas.spi.HttpIngress;
import dev.switchboard.schemas.spi.SourceFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The webhook source contract for Zoom's recording.transcript_completed (x-zm-signature), with Zoom's download
 * endpoint played by WireMock, and Zoom's endpoint validation as the challenge.
 */
class ZoomSourceContractTest extends AbstractWebhookSourceContractTest<ZoomSourceFactory.Options> {

    static final String DOWNLOAD_TOKEN = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzUxMiJ9.download.token";
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static WireMockExtension zoom = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @BeforeEach
    void serveTranscripts() {
        zoom.stubFor(get(urlPathMatching("/rec/download/.*")).withHeader("Authorization", equalTo("Bearer " + DOWNLOAD_TOKEN))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/vtt").withBody(Fixtures.bytes("zoom/transcript.vtt"))));
    }

    /** Zoom's payload for one meeting, its transcript at the WireMock download endpoint. */
    static byte[] payload(String meetingUuid, String downloadUrl) {
        return new String(Fixtures.bytes("zoom/recording-transcript-completed.json"), StandardCharsets.UTF_8)
                .replace("MEETING_UUID", meetingUuid).replace("DOWNLOAD_URL", downloadUrl).replace("DOWNLOAD_TOKEN", DOWNLOAD_TOKEN)
                .getBytes(StandardCharsets.UTF_8);
    }

    /** A request as Zoom posts it: JSON, signed now with {@code secret}. */
    static Requests zoomRequest(String path, byte[] body, String secret) {
        return zoomRequest(path, body, secret, Instant.now().getEpochSecond());
    }

    /** A request as Zoom posts it, signed with {@code secret} at {@code now} (seconds). */
    static Requests zoomRequest(String path, byte[] body, String secret, long now) {
        return Requests.post(path).body(body).header("Content-Type", "application/json; charset=utf-8")
                .header("x-zm-request-timestamp", Long.toString(now)).header("x-zm-signature", Signatures.zoom(secret, now, body));
    }

    @Override
    protected SourceFactory<ZoomSourceFactory.Options> factory() {
        return new ZoomSourceFactory();
    }

    @Override
    protected String options() {
        return "auth: {secret_env: " + SECRET_ENV + "}";
    }

    @Override
    protected String path() {
        return "/webhooks/zoom";
    }

    @Override
    protected Set<String> allowedHosts() {
        return Set.of("127.0.0.1:" + zoom.getPort());
    }

    @Override
    protected Requests signed(String deliveryId, String secret) {
        return zoomRequest(path(), payload("uuid-" + deliveryId + "==", "http://127.0.0.1:" + zoom.getPort() + "/rec/download/" + deliveryId), secret);
    }

    @Override
    protected Requests unsigned() {
        return Requests.post(path()).body(payload("uuid-unsigned==", "http://127.0.0.1:" + zoom.getPort() + "/rec/download/unsigned"))
                .header("Content-Type", "application/json");
    }

    @Override
    protected Requests challenge(String secret) {
        return zoomRequest(path(), Fixtures.bytes("zoom/endpoint-url-validation.json"), secret);
    }

    @Override
    protected void assertChallengeAnswered(HttpIngress.Response response) {
        try {
            JsonNode answer = JSON.readTree(response.body());
            assertThat(answer.path("plainToken").asText()).isEqualTo("qgg8vlvZRS6UYooatFL8Aw");
            assertThat(answer.path("encryptedToken").asText()).isEqualTo(Signatures.zoomEncryptedToken(SECRET, "qgg8vlvZRS6UYooatFL8Aw"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
