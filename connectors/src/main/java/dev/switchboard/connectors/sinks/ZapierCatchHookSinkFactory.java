package dev.switchboard.connectors.sinks;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.connectors.http.HttpDelivery;
import dev.switchboard.connectors.http.HttpTimeout;
import dev.switchboard.connectors.http.OutboundPolicy;
import dev.switchboard.connectors.http.SigningSecret;
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
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Makes {@link ZapierCatchHookSink}s, which POST each task to a Zapier "Catch Hook" / "Catch Raw
 * Hook" trigger. Anyone holding a catch hook URL can start the Zap, so the URL is treated as a
 * secret: it comes from an environment variable or a mounted file, and its path never appears in a
 * message.
 */
public final class ZapierCatchHookSinkFactory extends StandardWebhookSinkFactory<ZapierCatchHookSinkFactory.Options> {

    static final Pattern HOOK_URL = Pattern.compile("https://hooks\\.zapier\\.com/hooks/catch/[0-9]+/[A-Za-z0-9]+/?");

    public ZapierCatchHookSinkFactory() {
        super(Options.class);
    }

    @Documentation(name = "zapier", summary = "POSTs each task as JSON to a Zapier catch hook whose URL is kept secret, signed per Standard Webhooks, with the task id as idempotency key.",
            description = """
                    The hook URL has the shape `https://hooks.zapier.com/hooks/catch/<account id>/<hook key>/`; the key makes
                    it a credential, so give it with `url_env` or `url_file`. Add `hooks.zapier.com` to
                    `outbound.allowed_hosts`. To verify the signature, trigger the Zap with "Catch Raw Hook" and check
                    `webhook-signature` in a Code by Zapier step (docs/connectors.md). Idempotency: the task id is
                    `Idempotency-Key` and `webhook-id`; Zapier itself does not drop repeats, so filter on it in the Zap when
                    a repeat would hurt.
                    """)
    @Example(title = "Tasks into a Zap, URL from the environment", yaml = """
            sales-zap:
              zapier:
                url_env: ZAPIER_CATCH_HOOK_URL
                secret_env: ZAPIER_SWITCHBOARD_SECRET
            """)
    @Example(title = "URL and secret from mounted files", yaml = """
            sales-zap:
              zapier:
                url_file: /run/secrets/zapier-hook-url
                secret_file: /run/secrets/zapier-signing-secret
                timeout_seconds: 15
            """)
    public record Options(
            @Option(description = "The catch hook URL written in the configuration. Prefer `url_env` or `url_file`: the URL is a credential.", secret = true)
            String url,
            @Option(description = "Environment variable holding the catch hook URL.", secret = true)
            @JsonProperty("url_env") String urlEnv,
            @Option(description = "File holding the catch hook URL (a mounted secret).", secret = true)
            @JsonProperty("url_file") String urlFile,
            @OptionGroup SigningSecret signing,
            @OptionGroup HttpTimeout timeout) implements SigningOptions {
    }

    @Override
    protected List<OptionProblem> checkDestination(Options options, SinkEnvironment environment) {
        int given = (options.url() != null ? 1 : 0) + (options.urlEnv() != null ? 1 : 0) + (options.urlFile() != null ? 1 : 0);
        if (given != 1) {
            return List.of(OptionProblem.at("url_env", given == 0 ? "Missing URL" : "Conflicting options")
                    .expected("exactly one of url_env, url_file or url, got " + given)
                    .fix("Put the catch hook URL in an environment variable or a mounted file"));
        }
        Optional<String> url = hookUrl(options, environment);
        if (url.isEmpty()) {
            return urlSecretProblems(options, environment);
        }
        if (!HOOK_URL.matcher(url.get()).matches()) {
            return List.of(OptionProblem.at(urlOption(options), "Invalid catch hook URL")
                    .expected("https://hooks.zapier.com/hooks/catch/<account id>/<hook key>/, as the Zap's Catch Hook trigger shows it"));
        }
        return new OutboundPolicy(environment.allowedHosts()).check(urlOption(options), url.get(), ZapierCatchHookSink.hookRedactor(url.get()));
    }

    @Override
    protected WebhookSink create(String name, Options options, SinkEnvironment environment, Optional<Secret> signingSecret,
                                 HttpDelivery http) {
        String url = hookUrl(options, environment).orElseThrow(() -> new IllegalStateException(
                "No catch hook URL for sink '" + name + "': " + urlSecretProblems(options, environment).stream()
                        .map(OptionProblem::toString).collect(Collectors.joining("; "))));
        return new ZapierCatchHookSink(name, URI.create(url), signingSecret, http);
    }

    private static Optional<String> hookUrl(Options options, SinkEnvironment environment) {
        if (options.url() != null) {
            return Optional.of(options.url().strip());
        }
        return Secret.of("url", options.urlEnv(), options.urlFile(), environment.baseDir(), environment::secret).flatMap(Secret::value);
    }

    private static List<OptionProblem> urlSecretProblems(Options options, SinkEnvironment environment) {
        return Secret.check("url", options.urlEnv(), options.urlFile(), true, environment.baseDir(), environment::secret);
    }

    private static String urlOption(Options options) {
        return options.urlEnv() != null ? "url_env" : options.urlFile() != null ? "url_file" : "url";
    }
}
