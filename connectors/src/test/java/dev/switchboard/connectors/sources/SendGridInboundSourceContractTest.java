package dev.switchboard.connectors.sources;

import dev.switchboard.connectors.testkit.AbstractWebhookSourceContractTest;
import dev.switchboard.connectors.testkit.Requests;
import dev.switchboard.connectors.testkit.Signatures;
import dev.switchboard.schemas.spi.SourceFactory;

/** The webhook source contract, for SendGrid Inbound Parse posts with basic auth in the URL. */
class SendGridInboundSourceContractTest extends AbstractWebhookSourceContractTest<SendGridInboundSourceFactory.Options> {

    private static final Fixtures.Form FORM = Fixtures.Form.fixture("sendgrid/inbound-parse.json");
    private static final byte[] BODY = FORM.multipart();

    @Override
    protected SourceFactory<SendGridInboundSourceFactory.Options> factory() {
        return new SendGridInboundSourceFactory();
    }

    @Override
    protected String options() {
        return "auth: {username: sendgrid, secret_env: " + SECRET_ENV + "}";
    }

    @Override
    protected String path() {
        return "/webhooks/sendgrid/inbound";
    }

    @Override
    protected Requests signed(String deliveryId, String secret) {
        return unsigned().header("Authorization", Signatures.basic("sendgrid", secret));
    }

    @Override
    protected Requests unsigned() {
        return Requests.post(path()).body(BODY).header("Content-Type", FORM.contentType());
    }
}
