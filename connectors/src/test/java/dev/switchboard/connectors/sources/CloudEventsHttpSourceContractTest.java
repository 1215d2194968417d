package dev.switchboard.connectors.sources;

import dev.switchboard.connectors.testkit.AbstractWebhookSourceContractTest;
import dev.switchboard.connectors.testkit.Requests;
import dev.switchboard.connectors.testkit.Signatures;
import dev.switchboard.schemas.spi.SourceFactory;
import java.time.Instant;

/** The webhook source contract, for structured CloudEvents signed with Standard Webhooks. */
class CloudEventsHttpSourceContractTest extends AbstractWebhookSourceContractTest<CloudEventsHttpSourceFactory.Options> {

    private static final byte[] BODY = Fixtures.bytes("cloudevents/ticket-created.json");

    @Override
    protected SourceFactory<CloudEventsHttpSourceFactory.Options> factory() {
        return new CloudEventsHttpSourceFactory();
    }

    @Override
    protected String options() {
        return "auth: {secret_env: " + SECRET_ENV + "}";
    }

    @Override
    protected String path() {
        return "/events";
    }

    @Override
    protected Requests signed(String deliveryId, String secret) {
        long now = Instant.now().getEpochSecond();
        return unsigned().header("webhook-id", deliveryId).header("webhook-timestamp", Long.toString(now))
                .header("webhook-signature", Signatures.standardWebhooks(secret, deliveryId, now, BODY));
    }

    @Override
    protected Requests unsigned() {
        return Requests.post(path()).body(BODY).header("Content-Type", "application/cloudevents+json");
    }
}
