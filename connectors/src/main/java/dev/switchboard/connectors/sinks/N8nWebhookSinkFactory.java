package dev.switchboard.connectors.sinks;

import dev.switchboard.schemas.options.OptionProblem;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.connectors.http.HttpDelivery;
import dev.switchboard.connectors.http.OutboundPolicy;
import dev.switchboard.connectors.secrets.Redactor;
import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.options.Example;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.spi.SinkEnvironment;
import dev.switchboard.schemas.spi.SinkFactory;
import dev.switchboard.schemas.spi.TaskSink;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * POSTs each task to an n8n Webhook node: the task as JSON, its id as {@code Idempotency-Key}, and
 * a Standard Webhooks signature the workflow checks in a Code node (see docs/connectors.md).
 */
public final class N8nWebhookSink implements SinkFactory<N8nWebhookSink.Options> {

    @Documentation(name = "n8n", summary = "POSTs each task as JSON to an n8n Webhook node, signed per Standard Webhooks, with the task id as idempotency key.",
            description = """
                    Point `url` at the Webhook node's production URL (`/webhook/...`, not `/webhook-test/...`). With a
                    secret, the workflow verifies `webhook-signature` over the raw body in a Code node; docs/connectors.md
                    has the node settings and the code. Idempotency: the task id is `Idempotency-Key` and `webhook-id`;
                    drop repeats with a Remove Duplicates node on that header. A `409` answer counts as delivered.
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
            @Option(description = "Environment variable holding the Standard Webhooks secret (`whsec_` + base64, or any string) that the workflow verifies.", secret = true)
            @JsonProperty("secret_env") String secretEnv,
            @Option(description = "File holding the signing secret (a mounted secret), instead of `secret_env`.", secret = true)
            @JsonProperty("secret_file") String secretFile,
            @Option(description = "Timeout of one request, in seconds. n8n answers after the workflow runs when the Webhook node responds at the end, so allow for it.", defaultValue = "10", minimum = 1, maximum = 300)
            @JsonProperty("timeout_seconds") Integer timeoutSeconds) {
    }

    @Override
    public Class<Options> optionsType() {
        return Options.class;
    }

    @Override
    @SuppressWarnings("removal")
    public List<OptionProblem> check(Options options, SinkEnvironment environment) {
        return checkMessages(options, environment).stream().map(OptionProblem::fromMessage).toList();
    }

    private List<String> checkMessages(Options options, SinkEnvironment environment) {
        List<String> problems = new ArrayList<>(WebhookSink.checkUrl(options.url(), "url", environment, Redactor.none()));
        if (problems.isEmpty() && URI.create(options.url()).getPath() != null && URI.create(options.url()).getPath().contains("/webhook-test/")) {
            problems.add("Test URL at url: got a /webhook-test/ path, which n8n serves only while the editor listens. "
                    + "Use the production URL (/webhook/...) and activate the workflow");
        }
        problems.addAll(WebhookSink.checkSigningSecret(options.secretEnv(), options.secretFile(), environment));
        return problems;
    }

    @Override
    public TaskSink create(String name, Options options, SinkEnvironment environment) {
        return new WebhookSender(name, URI.create(options.url()), Redactor.of(Redactor.queryValues(options.url())), Map.of(),
                WebhookSink.signingSecret(options.secretEnv(), options.secretFile(), environment), null,
                new HttpDelivery(new OutboundPolicy(environment.allowedHosts()), WebhookSink.timeout(options.timeoutSeconds())));
    }
}
