package dev.switchboard.connectors.sources.webhook;

import dev.switchboard.connectors.sources.auth.NetworkAllowList;
import dev.switchboard.connectors.sources.auth.WebhookAuth;
import dev.switchboard.connectors.sources.auth.WebhookVerifier.Scheme;
import dev.switchboard.connectors.sources.internal.SecretValue;
import dev.switchboard.schemas.options.OptionField;
import dev.switchboard.schemas.options.OptionProblem;
import dev.switchboard.schemas.spi.Source;
import dev.switchboard.schemas.spi.SourceEnvironment;
import dev.switchboard.schemas.spi.SourceFactory;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * What the factories of webhook sources do alike: their options type, and the checks of the options
 * every webhook source has (an absolute path; authentication with a scheme the vendor accepts, its
 * secret set and usable, the networks well formed), and making the vendor's source.
 *
 * @param <O> the vendor's options record
 */
public abstract class WebhookSourceFactory<O extends Record & WebhookSourceOptions> implements SourceFactory<O> {

    /** Makes the vendor's source: its constructor. */
    @FunctionalInterface
    public interface Constructor<O> {
        Source create(String name, O options, SourceEnvironment environment);
    }

    private final Class<O> optionsType;
    private final WebhookVendor vendor;
    private final Constructor<O> constructor;

    protected WebhookSourceFactory(Class<O> optionsType, WebhookVendor vendor, Constructor<O> constructor) {
        boolean defaultPath = OptionField.of(optionsType).stream()
                .anyMatch(field -> field.key().equals("path") && field.defaultValue().startsWith("/"));
        if (!defaultPath) {
            throw new IllegalStateException(optionsType.getName() + " gives its listener no default path: declare it "
                    + "@OptionGroup(defaults = @OptionGroup.Default(option = \"path\", value = \"/webhooks/<vendor>\"))");
        }
        this.optionsType = optionsType;
        this.vendor = vendor;
        this.constructor = constructor;
    }

    @Override
    public final Source create(String name, O options, SourceEnvironment environment) {
        return constructor.create(name, options, environment);
    }

    @Override
    public Optional<String> topic(O options) {
        return Optional.of(options.listener().options().topic());
    }

    @Override
    public List<OptionProblem> check(O options, SourceEnvironment environment) {
        List<OptionProblem> problems = new ArrayList<>();
        String path = options.path();
        if (!path.startsWith("/") || path.contains("?") || path.contains("#") || path.contains(" ")) {
            problems.add(OptionProblem.at("path", "Invalid path").got(path).expected("an absolute path such as /webhooks/zendesk"));
        }
        problems.addAll(checkAuth(options.listener().options().auth(), environment).stream().map(problem -> problem.under("auth")).toList());
        return problems;
    }

    private List<OptionProblem> checkAuth(WebhookAuth auth, SourceEnvironment environment) {
        if (auth == null) {
            return List.of(OptionProblem.at("", "Missing authentication")
                    .fix(": every webhook must be authenticated. Add auth with secret_env"));
        }
        List<OptionProblem> problems = new ArrayList<>();
        Scheme scheme = vendor.scheme(auth);
        if (scheme == null || !vendor.schemes().contains(scheme)) {
            problems.add(OptionProblem.at("scheme", "Unsupported scheme").got(auth.scheme()).expected(vendor.schemes().stream()
                    .map(Scheme::yamlName).sorted().collect(Collectors.joining(", ")) + " for a " + vendor.type() + " source"));
        }
        List<OptionProblem> secretProblems = SecretValue.check("secret", auth.secretEnv(), auth.secretFile(), "", true,
                scheme == null ? "secret" : secretNoun(scheme), environment);
        problems.addAll(secretProblems);
        if (secretProblems.isEmpty() && scheme == Scheme.STANDARD_WEBHOOKS) {
            String secret = SecretValue.read(auth.secretEnv(), auth.secretFile(), environment).orElseThrow();
            try {
                if (secret.startsWith("whsec_")) {
                    Base64.getDecoder().decode(secret.substring("whsec_".length()));
                }
            } catch (IllegalArgumentException e) {
                problems.add(OptionProblem.at(auth.secretEnv() != null ? "secret_env" : "secret_file", "Invalid secret")
                        .fix(": it starts with whsec_ but the rest is not base64. Copy the secret exactly as the sender shows it"));
            }
        }
        if (scheme == Scheme.BASIC && (auth.username() == null || auth.username().isEmpty())) {
            problems.add(OptionProblem.at("username", "Missing username")
                    .fix(": basic authentication needs the user name the sender presents"));
        }
        List<String> networks = auth.allowedNetworksOrEmpty();
        for (int i = 0; i < networks.size(); i++) {
            String at = "allowed_networks[" + i + "]";
            NetworkAllowList.problem(networks.get(i)).ifPresent(problem -> problems.add(OptionProblem.at(at, "Invalid network")
                    .fix(": " + problem)));
        }
        return problems;
    }

    private static String secretNoun(Scheme scheme) {
        return switch (scheme) {
            case GITHUB -> "webhook secret configured in GitHub";
            case ZENDESK -> "webhook's signing secret from Zendesk";
            case STANDARD_WEBHOOKS -> "Standard Webhooks secret (whsec_…)";
            case MAILGUN -> "Mailgun HTTP webhook signing key";
            case SHARED_SECRET -> "shared secret the sender puts in its header";
            case BASIC -> "basic-auth password";
            case ZOOM -> "secret token of the Zoom app's event subscription";
        };
    }

    @Override
    public final Class<O> optionsType() {
        return optionsType;
    }
}
