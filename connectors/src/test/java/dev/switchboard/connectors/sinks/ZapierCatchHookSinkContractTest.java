package dev.switchboard.connectors.sinks;

import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import dev.switchboard.connectors.testkit.AbstractHttpTaskSinkContractTest;
import dev.switchboard.schemas.options.OptionProblem;
import dev.switchboard.schemas.spi.SinkFactory;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The sink contract, for a Zapier catch hook whose URL (its path is the credential) comes from the environment. */
class ZapierCatchHookSinkContractTest extends AbstractHttpTaskSinkContractTest<ZapierCatchHookSinkFactory.Options> {

    private static final String HOOK_KEY = "k3yz9q8w";
    private static final String PATH = "/hooks/catch/1234567/" + HOOK_KEY + "/";
    private static final String SIGNING = "zap-signing-secret-90b2";

    @Override
    protected SinkFactory<ZapierCatchHookSinkFactory.Options> factory() {
        return new ZapierCatchHookSinkFactory();
    }

    @Override
    protected String options(String baseUrl) {
        return """
                url_env: ZAPIER_URL
                secret_env: ZAPIER_SECRET
                """;
    }

    @Override
    protected Map<String, String> secrets(String baseUrl) {
        return Map.of("ZAPIER_URL", baseUrl + PATH, "ZAPIER_SECRET", SIGNING);
    }

    @Override
    protected Set<String> secrets() {
        return Set.of(HOOK_KEY, SIGNING);
    }

    /** The stand-in is not hooks.zapier.com, so the URL shape is the one problem; the sink itself does not care. */
    @Override
    protected void assertOptionsPassChecks(List<OptionProblem> problems) {
        assertThat(problems).singleElement().asString().startsWith("Invalid catch hook URL at url_env");
    }

    @Override
    protected void answerSuccessfully() {
        destination.stubFor(post(urlPathEqualTo(PATH)).willReturn(json(200,
                "{\"attempt\":\"0190c3a1-e8f5-4b1b-b3a8-5ac3b4c33a2e\",\"id\":\"0190c3a1-e8f5-4b1b-b3a8-5ac3b4c33a2e\","
                        + "\"request_id\":\"0190c3a1-e8f5-4b1b-b3a8-5ac3b4c33a2e\",\"status\":\"success\"}")));
    }

    @Override
    protected String errorBody(String message) {
        return "{\"status\":\"error\",\"message\":\"" + message + "\"}";
    }

    @Override
    protected List<String> idempotencyKeysReceived() {
        return requestsReceived().stream().map(request -> request.getHeader("Idempotency-Key")).toList();
    }
}
