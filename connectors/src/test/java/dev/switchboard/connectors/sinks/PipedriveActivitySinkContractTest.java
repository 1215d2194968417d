package dev.switchboard.connectors.sinks;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.connectors.testkit.AbstractHttpTaskSinkContractTest;
import dev.switchboard.schemas.spi.SinkFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The sink contract, for Pipedrive's activities API (v1): the task id in the note, looked for before creating. */
class PipedriveActivitySinkContractTest extends AbstractHttpTaskSinkContractTest<PipedriveActivitySinkFactory.Options> {

    private static final String TOKEN = "3f1e6a9c0b7d4e2f8a5c1b9d7e3f0a2c6b8d4e1f";
    private static final Pattern TASK_ID = Pattern.compile("Switchboard task (\\S+)");
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    protected SinkFactory<PipedriveActivitySinkFactory.Options> factory() {
        return new PipedriveActivitySinkFactory();
    }

    @Override
    protected String options(String baseUrl) {
        return """
                token_env: PIPEDRIVE_TOKEN
                base_url: "%s"
                """.formatted(baseUrl);
    }

    @Override
    protected Map<String, String> secrets(String baseUrl) {
        return Map.of("PIPEDRIVE_TOKEN", TOKEN);
    }

    @Override
    protected Set<String> secrets() {
        return Set.of(TOKEN);
    }

    @Override
    protected void answerSuccessfully() {
        destination.stubFor(get(urlPathEqualTo(PipedriveActivitySink.PATH)).willReturn(json(200,
                "{\"success\":true,\"data\":null,\"additional_data\":{\"pagination\":{\"start\":0,\"limit\":500,"
                        + "\"more_items_in_collection\":false}}}")));
        destination.stubFor(post(urlEqualTo(PipedriveActivitySink.PATH)).willReturn(json(201,
                "{\"success\":true,\"data\":{\"id\":8,\"subject\":\"Refund request\",\"type\":\"task\"}}")));
    }

    @Override
    protected String errorBody(String message) {
        return "{\"success\":false,\"error\":\"" + message + "\",\"error_info\":\"Please check developers.pipedrive.com for more "
                + "information about Pipedrive API.\",\"data\":null,\"additional_data\":null}";
    }

    /** The task id written into each created activity's note. */
    @Override
    protected List<String> idempotencyKeysReceived() {
        return requestsReceived().stream().filter(request -> request.getMethod().getName().equals("POST")).map(request -> {
            try {
                Matcher id = TASK_ID.matcher(JSON.readTree(request.getBodyAsString()).path("note").asText());
                return id.find() ? id.group(1) : null;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).toList();
    }
}
