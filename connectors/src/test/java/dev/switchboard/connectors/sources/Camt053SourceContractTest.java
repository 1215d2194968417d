package dev.switchboard.connectors.sources;

import dev.switchboard.connectors.testkit.AbstractWebhookSourceContractTest;
import dev.switchboard.connectors.testkit.Requests;
import dev.switchboard.schemas.spi.SourceFactory;

/** The webhook source contract, for camt.053 statements posted with a bearer token. */
class Camt053SourceContractTest extends AbstractWebhookSourceContractTest<Camt053SourceFactory.Options> {

    private static final byte[] BODY = Fixtures.bytes("camt053/statement-v08.xml");

    @Override
    protected SourceFactory<Camt053SourceFactory.Options> factory() {
        return new Camt053SourceFactory();
    }

    @Override
    protected String options() {
        return "auth: {secret_env: " + SECRET_ENV + "}";
    }

    @Override
    protected String path() {
        return "/webhooks/camt053";
    }

    @Override
    protected Requests signed(String deliveryId, String secret) {
        return unsigned().header("Authorization", "Bearer " + secret);
    }

    @Override
    protected Requests unsigned() {
        return Requests.post(path()).body(BODY).header("Content-Type", "application/xml");
    }
}
