package dev.switchboard.connectors.sinks;

import dev.switchboard.connectors.http.HttpDelivery;
import dev.switchboard.connectors.http.HttpTimeout;
import dev.switchboard.connectors.http.OutboundPolicy;
import dev.switchboard.connectors.http.SigningSecret;
import dev.switchboard.connectors.secrets.Redactor;
import dev.switchboard.connectors.secrets.Secret;
import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.options.Example;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.options.OptionGroup;
import dev.switchboard.schemas.options.OptionProblem;
import dev.switchboard.schemas.spi.SinkEnvironment;
import java.net.URI;
import java.util.List;
import java.util.Optional;

/**
 * Makes {@link N8nWebhookSink}s, which POST each task to an n8n Webhook node: the task as JSON, its
 * id as {@code Idempotency-Key}, and a Standard Webhooks signature the workflow checks in a Code node
 * (see docs/connectors.md).
 */
public final class N8nWebhookSinkFactory extends StandardWebhookSinkFactory<N8nWebhookSinkFactory.Options> {

    public N8nWebhookSinkFactory() {
        super(Options.class);
    }

    @Documentation(name = "n8n", summary = "POSTs each task as JSON to an n8n Webhook node, signed per Standard Webhooks, with the task id as idempotency key.",
            description = """
                    Point `url` at the Webhook node's production URL (`/webhook/...`, not `/webhook-test/...`). With a
                    secret, the workflow verifies `webhook-signature` over the raw body in a Code node; docs/connectors.md
                    has the node settings and the code. Idempotency: the task id is `Idempotency-Key` and `webhook-id`;
                    drop repeats with a Remove Duplicates node on that header. A `409` answer counts as delivered. n8n answers after
                    the workflow runs when the Webhook node responds at the end, so allow for it in `timeout_seconds`.
                    """)
    @Example(title = "Inbox triage into an n8n workflow", yaml = """
            triage-n8n:
              n8n:
                url: https://n8n.example.com/webhook/switchboard-triage
                secret_env: N8N_SWITCHBOARD_SECRET
            """)
    public record Options(
            @Option(description = "The Webhook node's production URL. Its host must be listed in `outbound.allowed_hosts`.", required = true)
            String url,
            @OptionGroup SigningSecret signing,
            @OptionGroup HttpTimeout timeout) implements SigningOptions {
    }

    @Override
    protected List<OptionProblem> checkDestination(Options options, SinkEnvironment environment) {
        List<OptionProblem> problems = new OutboundPolicy(environment.allowedHosts()).check("url", options.url(), Redactor.none());
        String path = problems.isEmpty() ? URI.create(options.url()).getPath() : null;
        if (path != null && path.contains("/webhook-test/")) {
            return List.of(OptionProblem.at("url", "Test URL").fix(": got a /webhook-test/ path, which n8n serves only while the editor "
                    + "listens. Use the production URL (/webhook/...) and activate the workflow"));
        }
        return problems;
    }

    @Override
    protected WebhookSink create(String name, Options options, SinkEnvironment environment, Optional<Secret> signingSecret,
                                 HttpDelivery http) {
        return new N8nWebhookSink(name, URI.create(options.url()), signingSecret, http);
    }
}
