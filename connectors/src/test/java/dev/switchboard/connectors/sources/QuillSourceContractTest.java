package dev.switchboard.connectors.sources;

import dev.switchboard.connectors.testkit.AbstractWebhookSourceContractTest;
import dev.switchboard.connectors.testkit.Requests;
import dev.switchboard.connectors.testkit.Signatures;
import dev.switchboard.schemas.spi.SourceFactory;
import java.time.Instant;

/** The webhook source contract, for Quill conversation webhooks signed with Standard Webhooks. */
class QuillSourceContractTest extends AbstractWebhookSourceContractTest<QuillSourceFactory.Options> {

    private static final byte[] BODY = Fixtures.bytes("quill/conversation-created.json");

    @Override
    protected SourceFactory<QuillSourceFactory.Options> factory() {
        return new QuillSourceFactory();
    }

    @Override
    protected String options() {
        return "auth: {secret_env: " + SECRET_ENV + "}";
    }

    @Override
    protected String path() {
        return "/webhooks/quill";
    }

    @Override
    protected Requests signed(String deliveryId, String secret) {
        long timestamp = Instant.now().getEpochSecond();
        return unsigned().header("webhook-id", deliveryId).header("webhook-timestamp", Long.toString(timestamp))
                .header("webhook-signature", Signatures.standardWebhooks(secret, deliveryId, timestamp, BODY));
    }

    @Override
    protected Requests unsigned() {
        return Requests.post(path()).body(BODY).header("Content-Type", "application/json");
    }
}
