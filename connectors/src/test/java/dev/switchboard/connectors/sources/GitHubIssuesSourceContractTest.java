package dev.switchboard.connectors.sources;

import dev.switchboard.connectors.testkit.AbstractWebhookSourceContractTest;
import dev.switchboard.connectors.testkit.Requests;
import dev.switchboard.connectors.testkit.Signatures;
import dev.switchboard.schemas.spi.SourceFactory;

/** The webhook source contract, for GitHub issues webhooks signed with X-Hub-Signature-256. */
class GitHubIssuesSourceContractTest extends AbstractWebhookSourceContractTest<GitHubIssuesSourceFactory.Options> {

    private static final byte[] BODY = Fixtures.bytes("github/issues-opened.json");

    @Override
    protected SourceFactory<GitHubIssuesSourceFactory.Options> factory() {
        return new GitHubIssuesSourceFactory();
    }

    @Override
    protected String options() {
        return "auth: {secret_env: " + SECRET_ENV + "}";
    }

    @Override
    protected String path() {
        return "/webhooks/github";
    }

    @Override
    protected Requests signed(String deliveryId, String secret) {
        return unsigned().header("X-Hub-Signature-256", Signatures.github(secret, BODY));
    }

    @Override
    protected Requests unsigned() {
        return Requests.post(path()).body(BODY).header("Content-Type", "application/json")
                .header("X-GitHub-Event", "issues").header("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958");
    }
}
