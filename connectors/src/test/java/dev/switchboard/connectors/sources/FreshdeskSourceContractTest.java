package dev.switchboard.connectors.sources;

import dev.switchboard.connectors.testkit.AbstractWebhookSourceContractTest;
import dev.switchboard.connectors.testkit.Requests;
import dev.switchboard.schemas.spi.SourceFactory;

/** The webhook source contract, for Freshdesk automation rules that send a bearer token. */
class FreshdeskSourceContractTest extends AbstractWebhookSourceContractTest<FreshdeskSourceFactory.Options> {

    @Override
    protected SourceFactory<FreshdeskSourceFactory.Options> factory() {
        return new FreshdeskSourceFactory();
    }

    @Override
    protected String options() {
        return "auth: {scheme: shared-secret, secret_env: " + SECRET_ENV + "}";
    }

    @Override
    protected String path() {
        return "/webhooks/freshdesk";
    }

    @Override
    protected Requests signed(String deliveryId, String secret) {
        return unsigned().header("Authorization", "Bearer " + secret);
    }

    @Override
    protected Requests unsigned() {
        return Requests.post(path()).body(Fixtures.bytes("freshdesk/simple-ticket-created.json"))
                .header("Content-Type", "application/json; charset=utf-8");
    }
}
