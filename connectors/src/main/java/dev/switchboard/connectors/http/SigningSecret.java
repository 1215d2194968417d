package dev.switchboard.connectors.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.connectors.secrets.Secret;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.options.OptionProblem;
import dev.switchboard.schemas.spi.SinkEnvironment;
import java.util.List;
import java.util.Optional;

/**
 * The Standard Webhooks secret a webhook sink signs with, declared once for the webhook, n8n and
 * Zapier sinks. Optional: without it requests go unsigned.
 */
public record SigningSecret(
        @Option(description = "Environment variable holding the Standard Webhooks secret (`whsec_` + base64, or any string). "
                + "When set, requests carry `webhook-id`, `webhook-timestamp` and `webhook-signature`.", secret = true)
        @JsonProperty("secret_env") String secretEnv,
        @Option(description = "File holding the Standard Webhooks secret (a mounted secret), instead of `secret_env`; "
                + "read at each request, so rotation needs no restart.", secret = true)
        @JsonProperty("secret_file") String secretFile) {

    /** At most one of the two options, the secret set where it names, and a {@code whsec_} secret that decodes. */
    public List<OptionProblem> check(SinkEnvironment environment) {
        List<OptionProblem> problems = Secret.check("secret", secretEnv, secretFile, false, environment.baseDir(), environment::secret);
        if (!problems.isEmpty()) {
            return problems;
        }
        try {
            secret(environment).flatMap(Secret::value).ifPresent(StandardWebhooks::key);
            return List.of();
        } catch (IllegalArgumentException e) {
            return List.of(OptionProblem.at(secretEnv != null ? "secret_env" : "secret_file", "Invalid secret")
                    .fix(": a secret starting with whsec_ must be base64 after the prefix. Copy it whole from the receiver"));
        }
    }

    /** The secret, when the options name one. */
    public Optional<Secret> secret(SinkEnvironment environment) {
        return Secret.of("secret", secretEnv, secretFile, environment.baseDir(), environment::secret);
    }
}
