package dev.switchboard.connectors.sinks;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import dev.switchboard.connectors.testkit.AbstractHttpTaskSinkContractTest;
import dev.switchboard.schemas.spi.SinkFactory;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The sink contract, for an n8n Webhook node's production URL, with a signing secret from a file. */
class N8nWebhookSinkContractTest extends AbstractHttpTaskSinkContractTest<N8nWebhookSinkFactory.Options> {

    private static final String PATH = "/webhook/switchboard-triage";
    private static final String SIGNING = "n8n-signing-secret-7c41";

    @Override
    protected SinkFactory<N8nWebhookSinkFactory.Options> factory() {
        return new N8nWebhookSinkFactory();
    }

    @Override
    protected String options(String baseUrl) {
        return """
                url: "%s%s"
                secret_env: N8N_SECRET
                """.formatted(baseUrl, PATH);
    }

    @Override
    protected Map<String, String> secrets(String baseUrl) {
        return Map.of("N8N_SECRET", SIGNING);
    }

    @Override
    protected Set<String> secrets() {
        return Set.of(SIGNING);
    }

    @Override
    protected void answerSuccessfully() {
        // the Webhook node answering as soon as the workflow starts ("Respond: Immediately")
        destination.stubFor(post(urlPathEqualTo(PATH)).willReturn(json(200, "{\"message\":\"Workflow was started\"}")));
    }

    @Override
    protected String errorBody(String message) {
        return "{\"code\":404,\"message\":\"" + message + "\",\"hint\":\"Activate the workflow to use its production URL\"}";
    }

    @Override
    protected List<String> idempotencyKeysReceived() {
        return requestsReceived().stream().map(request -> request.getHeader("Idempotency-Key")).toList();
    }
}
