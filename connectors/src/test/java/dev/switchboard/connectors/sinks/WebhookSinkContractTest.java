package dev.switchboard.connectors.sinks;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import dev.switchboard.connectors.testkit.AbstractHttpTaskSinkContractTest;
import dev.switchboard.schemas.spi.SinkFactory;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The sink contract, for the webhook sink: a token in the URL's query, requests signed per Standard Webhooks. */
class WebhookSinkContractTest extends AbstractHttpTaskSinkContractTest<WebhookSinkFactory.Options> {

    private static final String QUERY_TOKEN = "qtok_5b1e9f0c2d7a";
    private static final String SIGNING = "whsec_c2lnbmluZy1zZWNyZXQtdmFsdWUtMDEyMzQ1Njc4OQ==";

    @Override
    protected SinkFactory<WebhookSinkFactory.Options> factory() {
        return new WebhookSinkFactory();
    }

    @Override
    protected String options(String baseUrl) {
        return """
                url: "%s/hook?token=%s"
                secret_env: SIGNING
                """.formatted(baseUrl, QUERY_TOKEN);
    }

    @Override
    protected Map<String, String> secrets(String baseUrl) {
        return Map.of("SIGNING", SIGNING);
    }

    @Override
    protected Set<String> secrets() {
        return Set.of(QUERY_TOKEN, SIGNING);
    }

    @Override
    protected void answerSuccessfully() {
        destination.stubFor(post(urlPathEqualTo("/hook")).willReturn(aResponse().withStatus(200)));
    }

    @Override
    protected String errorBody(String message) {
        return "{\"error\": \"" + message + "\"}";
    }

    @Override
    protected List<String> idempotencyKeysReceived() {
        return requestsReceived().stream().map(request -> request.getHeader("Idempotency-Key")).toList();
    }
}
