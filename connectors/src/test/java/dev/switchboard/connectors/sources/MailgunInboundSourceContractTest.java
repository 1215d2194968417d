package dev.switchboard.connectors.sources;

import dev.switchboard.connectors.testkit.AbstractWebhookSourceContractTest;
import dev.switchboard.connectors.testkit.Requests;
import dev.switchboard.connectors.testkit.Signatures;
import dev.switchboard.schemas.spi.SourceFactory;
import java.time.Instant;

/** The webhook source contract, for a Mailgun route's forward() posts, signed in their form fields. */
class MailgunInboundSourceContractTest extends AbstractWebhookSourceContractTest<MailgunInboundSourceFactory.Options> {

    @Override
    protected SourceFactory<MailgunInboundSourceFactory.Options> factory() {
        return new MailgunInboundSourceFactory();
    }

    @Override
    protected String options() {
        return "auth: {secret_env: " + SECRET_ENV + "}";
    }

    @Override
    protected String path() {
        return "/webhooks/mailgun/inbound";
    }

    @Override
    protected Requests signed(String deliveryId, String secret) {
        String timestamp = Long.toString(Instant.now().getEpochSecond());
        return post(Fixtures.Form.fixture("mailgun/route-forward.json").field("timestamp", timestamp).field("token", deliveryId)
                .field("signature", Signatures.mailgun(secret, timestamp, deliveryId)));
    }

    @Override
    protected Requests unsigned() {
        return post(Fixtures.Form.fixture("mailgun/route-forward.json"));
    }

    private Requests post(Fixtures.Form form) {
        return Requests.post(path()).body(form.multipart()).header("Content-Type", form.contentType());
    }
}
