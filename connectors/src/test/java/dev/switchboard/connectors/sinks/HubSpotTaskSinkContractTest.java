package dev.switchboard.connectors.sinks;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.connectors.testkit.AbstractHttpTaskSinkContractTest;
import dev.switchboard.schemas.spi.SinkFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The sink contract, for HubSpot's CRM v3 tasks API: the task id in the unique task property. */
class HubSpotTaskSinkContractTest extends AbstractHttpTaskSinkContractTest<HubSpotTaskSinkFactory.Options> {

    private static final String TOKEN = "pat-na1-11111111-2222-3333-4444-555555555555";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    protected SinkFactory<HubSpotTaskSinkFactory.Options> factory() {
        return new HubSpotTaskSinkFactory();
    }

    @Override
    protected String options(String baseUrl) {
        return """
                token_env: HUBSPOT_TOKEN
                base_url: "%s"
                """.formatted(baseUrl);
    }

    @Override
    protected Map<String, String> secrets(String baseUrl) {
        return Map.of("HUBSPOT_TOKEN", TOKEN);
    }

    @Override
    protected Set<String> secrets() {
        return Set.of(TOKEN);
    }

    @Override
    protected void answerSuccessfully() {
        destination.stubFor(post(urlEqualTo(HubSpotTaskSink.PATH)).willReturn(json(201,
                "{\"id\":\"512\",\"properties\":{\"hs_task_subject\":\"Refund request\"},\"createdAt\":\"2026-11-02T09:00:01.204Z\","
                        + "\"archived\":false}")));
    }

    @Override
    protected String errorBody(String message) {
        return "{\"status\":\"error\",\"message\":\"" + message + "\",\"correlationId\":\"aeb5f871-7f07-4993-9211-075dc63e7cbf\","
                + "\"category\":\"VALIDATION_ERROR\"}";
    }

    @Override
    protected List<String> idempotencyKeysReceived() {
        return requestsReceived().stream().map(request -> {
            try {
                return JSON.readTree(request.getBodyAsString()).path("properties").path("switchboard_task_id").asText();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).toList();
    }
}
