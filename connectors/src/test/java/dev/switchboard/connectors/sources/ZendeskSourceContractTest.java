package dev.switchboard.connectors.sources;

import dev.switchboard.connectors.testkit.AbstractWebhookSourceContractTest;
import dev.switchboard.connectors.testkit.Requests;
import dev.switchboard.connectors.testkit.Signatures;
import dev.switchboard.schemas.spi.SourceFactory;
import java.time.Instant;
import java.time.temporal.ChronoUnit;

/** The webhook source contract, for Zendesk's signed ticket event webhooks. */
class ZendeskSourceContractTest extends AbstractWebhookSourceContractTest<ZendeskSourceFactory.Options> {

    private static final byte[] BODY = Fixtures.bytes("zendesk/ticket-created-event.json");

    @Override
    protected SourceFactory<ZendeskSourceFactory.Options> factory() {
        return new ZendeskSourceFactory();
    }

    @Override
    protected String options() {
        return "auth: {secret_env: " + SECRET_ENV + "}";
    }

    @Override
    protected String path() {
        return "/webhooks/zendesk";
    }

    @Override
    protected Requests signed(String deliveryId, String secret) {
        String timestamp = Instant.now().truncatedTo(ChronoUnit.SECONDS).toString();
        return unsigned().header("X-Zendesk-Webhook-Signature-Timestamp", timestamp)
                .header("X-Zendesk-Webhook-Signature", Signatures.zendesk(secret, timestamp, BODY));
    }

    @Override
    protected Requests unsigned() {
        return Requests.post(path()).body(BODY).header("Content-Type", "application/json");
    }
}
