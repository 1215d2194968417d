package dev.switchboard.connectors.sources.auth;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.schemas.options.Option;
import java.util.List;

/**
 * How a webhook source authenticates its requests: one scheme, its secret (from an environment
 * variable or a file, never inline), and optionally the networks requests may come from. Shared by
 * every webhook source; each source says which schemes it accepts and which is its default.
 */
public record WebhookAuth(
        @Option(description = "Authentication scheme. `github`: `X-Hub-Signature-256`; `zendesk`: Zendesk's signing secret; "
                + "`standard-webhooks`: `webhook-id`/`webhook-timestamp`/`webhook-signature`; `mailgun`: the `timestamp`/`token`/`signature` form fields; "
                + "`shared-secret`: a header holding the secret; `basic`: HTTP basic auth; `zoom`: `x-zm-signature`/`x-zm-request-timestamp`. "
                + "When omitted, the source's own scheme (see the source).",
                allowed = {"github", "zendesk", "standard-webhooks", "mailgun", "shared-secret", "basic", "zoom"})
        String scheme,
        @Option(description = "Environment variable holding the secret: the signing secret or key, the Standard Webhooks `whsec_…` secret, "
                + "the shared secret, or the basic-auth password. Give this or `secret_file`.", secret = true)
        @JsonProperty("secret_env") String secretEnv,
        @Option(description = "File holding the secret (a mounted Kubernetes secret, say), relative to the configuration file; "
                + "surrounding whitespace is ignored. Give this or `secret_env`.", secret = true)
        @JsonProperty("secret_file") String secretFile,
        @Option(description = "For `shared-secret`: the header that carries the secret. With `Authorization` the value is `Bearer <secret>`; "
                + "with any other header it is the secret itself.", defaultValue = "Authorization")
        String header,
        @Option(description = "For `basic`: the user name the sender must present.")
        String username,
        @Option(description = "For timestamped schemes (`zendesk`, `standard-webhooks`, `mailgun`, `zoom`): how far a request's timestamp may be "
                + "from this machine's clock, either way, in seconds. Older or newer requests are refused with 403.",
                defaultValue = "300", minimum = 10, maximum = 3600)
        @JsonProperty("tolerance_seconds") Integer toleranceSeconds,
        @Option(description = "Networks (CIDR, IPv4 or IPv6) that requests may come from; others are refused with 403. "
                + "Empty allows any. Behind a proxy this sees the proxy's address.")
        @JsonProperty("allowed_networks") List<String> allowedNetworks) {

    public List<String> allowedNetworksOrEmpty() {
        return allowedNetworks == null ? List.of() : allowedNetworks;
    }
}
