package dev.switchboard.connectors.sources;

import static com.github.tomakehurst.wiremock.client.WireMock.absent;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.junit5.WireMockExtension;
import dev.switchboard.connectors.testkit.RecordingEnvironment;
import dev.switchboard.connectors.testkit.Requests;
import dev.switchboard.connectors.testkit.YamlOptions;
import dev.switchboard.schemas.spi.HttpIngress;
import dev.switchboard.schemas.spi.Source;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Zoom's own cases: the call.completed event a transcript makes, and each way Zoom's download endpoint answers. */
class ZoomSourceTest {

    private static final String SECRET = "zoom-secret-token-5c1f";
    private static final String PATH = "/webhooks/zoom";
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static WireMockExtension zoom = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();
    @RegisterExtension
    static WireMockExtension storage = WireMockExtension.newInstance().options(wireMockConfig().dynamicPort()).build();

    @TempDir
    Path dir;

    private RecordingEnvironment environment;
    private Source source;

    @BeforeEach
    void start() throws Exception {
        environment = new RecordingEnvironment(dir, Map.of("ZOOM_SECRET", SECRET),
                Set.of("127.0.0.1:" + zoom.getPort(), "localhost:" + storage.getPort()));
        source = new ZoomSourceFactory().create("zoom", YamlOptions.bind(ZoomSourceFactory.Options.class, """
                language: en
                download_timeout_seconds: 1
                auth: {secret_env: ZOOM_SECRET}
                """), environment);
        source.start();
    }

    @AfterEach
    void close() throws Exception {
        source.close();
    }

    private HttpIngress.Response post(byte[] body) throws Exception {
        return environment.route(PATH).handle(ZoomSourceContractTest.zoomRequest(PATH, body, SECRET).build());
    }

    private byte[] transcriptCompleted(String uuid, String path) {
        return ZoomSourceContractTest.payload(uuid, "http://127.0.0.1:" + zoom.getPort() + path);
    }

    private void serve(String path) {
        zoom.stubFor(get(urlEqualTo(path)).willReturn(aResponse().withStatus(200).withHeader("Content-Type", "text/vtt")
                .withBody(Fixtures.bytes("zoom/transcript.vtt"))));
    }

    private static String body(HttpIngress.Response response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    @Test
    void should_publish_the_call_with_its_transcript_as_turns_when_zoom_says_the_transcript_is_ready() throws Exception {
        // given
        serve("/rec/download/vtt-1");

        // when
        HttpIngress.Response response = post(transcriptCompleted("4444AAAiAAAAAiAiAiiAii==", "/rec/download/vtt-1"));

        // then the transcript was fetched with the download token
        assertThat(response.status()).as(body(response)).isEqualTo(202);
        zoom.verify(getRequestedFor(urlEqualTo("/rec/download/vtt-1"))
                .withHeader("Authorization", equalTo("Bearer " + ZoomSourceContractTest.DOWNLOAD_TOKEN)));
        // and the event is the call, keyed by its id
        RecordingEnvironment.Published published = environment.published().get(0);
        assertThat(published.key()).isEqualTo("zoom-4444AAAiAAAAAiAiAiiAii==");
        JsonNode event = JSON.readTree(published.event());
        assertThat(event.path("type").asText()).isEqualTo("call.completed");
        assertThat(event.path("source").asText()).isEqualTo("/calls/zoom");
        assertThat(event.path("time").asText()).isEqualTo("2026-10-05T21:34:43Z");
        assertThat(event.path("data")).isEqualTo(JSON.readTree("""
                {"call_id": "zoom-4444AAAiAAAAAiAiAiiAii==", "title": "Discovery call: Kettle & Co. / Northwind Cloud",
                 "started_at": "2026-10-05T21:15:02Z", "ended_at": "2026-10-05T21:34:43Z", "platform": "zoom", "language": "en",
                 "participants": [
                   {"name": "jordan.reyes@northwind.example.com", "email": "jordan.reyes@northwind.example.com", "role": "rep"},
                   {"name": "Jordan Reyes", "role": "other"}, {"name": "Mara Lindqvist", "role": "other"}],
                 "transcript": [
                   {"speaker": "Jordan Reyes", "start_seconds": 4.0, "text": "Good afternoon, Mara. Thanks for joining."},
                   {"speaker": "Mara Lindqvist", "start_seconds": 43.3,
                    "text": "Yes, loud and clear. Thanks for setting this up. We're 4 people and we send roughly 180 invoices a month."},
                   {"speaker": "Jordan Reyes", "start_seconds": 924.7,
                    "text": "So, to recap: I'll send the demo invite by Wednesday & you share a sample export."}],
                 "recording_url": "https://zoom.us/rec/share/2Mv9kq3Ls0mXn"}"""));
    }

    @Test
    void should_publish_the_same_event_id_when_zoom_delivers_the_same_transcript_again() throws Exception {
        // given
        serve("/rec/download/vtt-2");
        byte[] body = transcriptCompleted("uuid-again==", "/rec/download/vtt-2");

        // when Zoom retries: the same payload, signed anew at a later time
        long now = java.time.Instant.now().getEpochSecond();
        environment.route(PATH).handle(ZoomSourceContractTest.zoomRequest(PATH, body, SECRET, now - 60).build());
        environment.route(PATH).handle(ZoomSourceContractTest.zoomRequest(PATH, body, SECRET, now).build());

        // then
        assertThat(environment.published()).hasSize(2);
        assertThat(JSON.readTree(environment.published().get(0).event()).path("id").asText())
                .isEqualTo(JSON.readTree(environment.published().get(1).event()).path("id").asText());
    }

    @Test
    void should_follow_a_redirect_without_the_token_when_zoom_sends_the_file_from_its_storage() throws Exception {
        // given Zoom answers 302 to a storage host that serves a signed URL
        zoom.stubFor(get(urlEqualTo("/rec/download/vtt-3")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", "http://localhost:" + storage.getPort() + "/files/vtt-3?sig=abc")));
        storage.stubFor(get(urlEqualTo("/files/vtt-3?sig=abc")).willReturn(aResponse().withStatus(200).withBody(Fixtures.bytes("zoom/transcript.vtt"))));

        // when
        HttpIngress.Response response = post(transcriptCompleted("uuid-redirect==", "/rec/download/vtt-3"));

        // then
        assertThat(response.status()).as(body(response)).isEqualTo(202);
        storage.verify(getRequestedFor(urlEqualTo("/files/vtt-3?sig=abc")).withHeader("Authorization", absent()));
    }

    @Test
    void should_answer_400_and_fetch_nothing_more_when_a_redirect_leads_to_a_host_that_is_not_allowed() throws Exception {
        // given
        zoom.stubFor(get(urlEqualTo("/rec/download/vtt-4")).willReturn(aResponse().withStatus(302)
                .withHeader("Location", "http://169.254.169.254/latest/meta-data/")));

        // when
        HttpIngress.Response response = post(transcriptCompleted("uuid-ssrf==", "/rec/download/vtt-4"));

        // then
        assertThat(response.status()).isEqualTo(400);
        assertThat(body(response)).contains("Transcript download refused", "not in outbound.allowed_hosts");
        assertThat(environment.published()).isEmpty();
    }

    @Test
    void should_answer_503_so_that_zoom_delivers_again_when_its_download_endpoint_is_down() throws Exception {
        // given
        zoom.stubFor(get(urlEqualTo("/rec/download/vtt-5")).willReturn(aResponse().withStatus(503)));

        // when
        HttpIngress.Response response = post(transcriptCompleted("uuid-down==", "/rec/download/vtt-5"));

        // then
        assertThat(response.status()).isEqualTo(503);
        assertThat(body(response)).contains("answered HTTP 503");
        assertThat(source.health()).containsEntry("last_refusal", "503 upstream");
    }

    @Test
    void should_answer_503_when_the_download_takes_longer_than_its_timeout() throws Exception {
        // given
        zoom.stubFor(get(urlEqualTo("/rec/download/vtt-6")).willReturn(aResponse().withStatus(200).withFixedDelay(2500)
                .withBody(Fixtures.bytes("zoom/transcript.vtt"))));

        // when
        HttpIngress.Response response = post(transcriptCompleted("uuid-slow==", "/rec/download/vtt-6"));

        // then
        assertThat(response.status()).isEqualTo(503);
        assertThat(body(response)).contains("timed out after 1 s");
    }

    @Test
    void should_answer_400_without_the_token_when_zoom_refuses_an_expired_download_token() throws Exception {
        // given
        zoom.stubFor(get(urlEqualTo("/rec/download/vtt-7")).willReturn(aResponse().withStatus(401)
                .withBody("{\"code\":124,\"message\":\"Invalid access token.\"}")));

        // when
        HttpIngress.Response response = post(transcriptCompleted("uuid-expired==", "/rec/download/vtt-7"));

        // then
        assertThat(response.status()).isEqualTo(400);
        assertThat(body(response)).contains("answered HTTP 401", "download_token is no longer valid")
                .doesNotContain(ZoomSourceContractTest.DOWNLOAD_TOKEN);
    }

    @Test
    void should_answer_400_when_the_file_is_not_webvtt() throws Exception {
        // given
        zoom.stubFor(get(urlEqualTo("/rec/download/vtt-8")).willReturn(aResponse().withStatus(200).withBody("<html>Sign in</html>")));

        // when
        HttpIngress.Response response = post(transcriptCompleted("uuid-html==", "/rec/download/vtt-8"));

        // then
        assertThat(response.status()).isEqualTo(400);
        assertThat(body(response)).contains("Zoom transcript is not WebVTT");
    }

    @Test
    void should_answer_200_and_publish_nothing_when_the_event_is_another_zoom_event() throws Exception {
        // when
        HttpIngress.Response response = post("""
                {"event": "meeting.started", "event_ts": 1791236107000, "payload": {"object": {"uuid": "x"}}}""".getBytes(StandardCharsets.UTF_8));

        // then
        assertThat(response.status()).isEqualTo(200);
        assertThat(body(response)).contains("meeting.started is not recording.transcript_completed");
        assertThat(environment.published()).isEmpty();
    }

    @Test
    void should_refuse_to_sign_a_plain_token_that_zoom_would_not_send_when_a_validation_asks_for_one() throws Exception {
        // when a signed validation asks to sign something shaped like a signature base string
        HttpIngress.Response response = post("""
                {"event": "endpoint.url_validation", "event_ts": 1654503849680,
                 "payload": {"plainToken": "v0:1791236107:{\\"event\\":\\"recording.transcript_completed\\"}"}}""".getBytes(StandardCharsets.UTF_8));

        // then
        assertThat(response.status()).isEqualTo(400);
        assertThat(body(response)).doesNotContain("encryptedToken");
    }

    @Test
    void should_warn_when_no_zoom_host_is_allowed() throws Exception {
        // when
        var problems = new ZoomSourceFactory().check(YamlOptions.bind(ZoomSourceFactory.Options.class, "auth: {secret_env: ZOOM_SECRET}"),
                new RecordingEnvironment(dir, Map.of("ZOOM_SECRET", SECRET), Set.of("api.hubapi.com")));

        // then
        assertThat(problems).singleElement().satisfies(problem -> {
            assertThat(problem.severity()).isEqualTo(dev.switchboard.schemas.options.OptionProblem.Severity.WARNING);
            assertThat(problem).asString().isEqualTo("No Zoom host in outbound.allowed_hosts: transcripts are fetched from Zoom. "
                    + "Add zoom.us and *.zoom.us to outbound.allowed_hosts");
        });
    }
}
