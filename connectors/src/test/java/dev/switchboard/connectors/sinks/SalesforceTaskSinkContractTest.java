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

/** The sink contract, for Salesforce's REST API: the task id in the Task's External ID field. */
class SalesforceTaskSinkContractTest extends AbstractHttpTaskSinkContractTest<SalesforceTaskSinkFactory.Options> {

    private static final String TOKEN = "00D5g000004Xyz!AQ4AQFakeAccessTokenValue";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    protected SinkFactory<SalesforceTaskSinkFactory.Options> factory() {
        return new SalesforceTaskSinkFactory();
    }

    @Override
    protected String options(String baseUrl) {
        return """
                instance_url: "%s"
                token_env: SALESFORCE_TOKEN
                """.formatted(baseUrl);
    }

    @Override
    protected Map<String, String> secrets(String baseUrl) {
        return Map.of("SALESFORCE_TOKEN", TOKEN);
    }

    @Override
    protected Set<String> secrets() {
        return Set.of(TOKEN);
    }

    @Override
    protected void answerSuccessfully() {
        destination.stubFor(post(urlEqualTo("/services/data/v60.0/sobjects/Task"))
                .willReturn(json(201, "{\"id\":\"00T5g00000AbCdEAAV\",\"success\":true,\"errors\":[]}")));
    }

    @Override
    protected String errorBody(String message) {
        return "[{\"message\":\"" + message + "\",\"errorCode\":\"INVALID_FIELD\",\"fields\":[\"Subject\"]}]";
    }

    @Override
    protected List<String> idempotencyKeysReceived() {
        return requestsReceived().stream().map(request -> {
            try {
                return JSON.readTree(request.getBodyAsString()).path("Switchboard_Task_Id__c").asText();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).toList();
    }
}
