package dev.switchboard.connectors.sources;

import dev.switchboard.connectors.testkit.AbstractWebhookSourceContractTest;
import dev.switchboard.connectors.testkit.Requests;
import dev.switchboard.connectors.testkit.Signatures;
import dev.switchboard.schemas.spi.SourceFactory;
import java.time.Instant;

/** The webhook source contract, for Jira issue webhooks relayed with a Standard Webhooks signature (its default scheme). */
class JiraServiceManagementSourceContractTest extends AbstractWebhookSourceContractTest<JiraServiceManagementSourceFactory.Options> {

    private static final byte[] BODY = Fixtures.bytes("jira/issue-created.json");

    @Override
    protected SourceFactory<JiraServiceManagementSourceFactory.Options> factory() {
        return new JiraServiceManagementSourceFactory();
    }

    @Override
    protected String options() {
        return "auth: {secret_env: " + SECRET_ENV + "}";
    }

    @Override
    protected String path() {
        return "/webhooks/jira";
    }

    @Override
    protected Requests signed(String deliveryId, String secret) {
        long now = Instant.now().getEpochSecond();
        return unsigned().header("webhook-id", deliveryId).header("webhook-timestamp", Long.toString(now))
                .header("webhook-signature", Signatures.standardWebhooks(secret, deliveryId, now, BODY))
                .header("X-Atlassian-Webhook-Identifier", deliveryId);
    }

    @Override
    protected Requests unsigned() {
        return Requests.post(path()).body(BODY).header("Content-Type", "application/json");
    }
}
