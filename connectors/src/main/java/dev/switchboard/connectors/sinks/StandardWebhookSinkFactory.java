package dev.switchboard.connectors.sinks;

import dev.switchboard.connectors.http.HttpDelivery;
import dev.switchboard.connectors.http.HttpTimeout;
import dev.switchboard.connectors.http.SigningSecret;
import dev.switchboard.connectors.secrets.Secret;
import dev.switchboard.schemas.options.OptionProblem;
import dev.switchboard.schemas.spi.SinkEnvironment;
import dev.switchboard.schemas.spi.SinkFactory;
import dev.switchboard.schemas.spi.TaskSink;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the factories of the webhook, n8n and Zapier sinks do alike: each checks its own destination,
 * this class the Standard Webhooks signing secret, and each sink gets the secret and its HTTP client.
 *
 * @param <O> the sink's options record
 */
public abstract class StandardWebhookSinkFactory<O extends Record & StandardWebhookSinkFactory.SigningOptions>
        implements SinkFactory<O> {

    /** What every webhook-family sink's options have. */
    public interface SigningOptions {

        SigningSecret signing();

        HttpTimeout timeout();
    }

    private final Class<O> optionsType;

    protected StandardWebhookSinkFactory(Class<O> optionsType) {
        this.optionsType = optionsType;
    }

    @Override
    public final List<OptionProblem> check(O options, SinkEnvironment environment) {
        List<OptionProblem> problems = new ArrayList<>(checkDestination(options, environment));
        problems.addAll(options.signing().check(environment));
        return problems;
    }

    /** The problems of where and what the sink sends. */
    protected abstract List<OptionProblem> checkDestination(O options, SinkEnvironment environment);

    @Override
    public final TaskSink create(String name, O options, SinkEnvironment environment) {
        return create(name, options, environment, options.signing().secret(environment), options.timeout().delivery(environment));
    }

    /** The sink of options that passed {@link #check}. */
    protected abstract WebhookSink create(String name, O options, SinkEnvironment environment, Optional<Secret> signingSecret,
                                          HttpDelivery http);

    @Override
    public final Class<O> optionsType() {
        return optionsType;
    }
}
