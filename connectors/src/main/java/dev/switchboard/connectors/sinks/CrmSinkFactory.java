package dev.switchboard.connectors.sinks;

import dev.switchboard.connectors.http.HttpCredentials;
import dev.switchboard.connectors.http.HttpDelivery;
import dev.switchboard.connectors.http.HttpTimeout;
import dev.switchboard.connectors.http.OutboundPolicy;
import dev.switchboard.connectors.secrets.Redactor;
import dev.switchboard.connectors.secrets.Secret;
import dev.switchboard.schemas.options.OptionProblem;
import dev.switchboard.schemas.spi.SinkEnvironment;
import dev.switchboard.schemas.spi.SinkFactory;
import dev.switchboard.schemas.spi.TaskSink;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * What the factories of the CRM sinks do alike: the API address must be one the outbound policy
 * allows and the token must be set; the sink gets its token and its HTTP client. Each CRM adds the
 * checks of its own options.
 *
 * @param <O> the CRM's options record
 */
public abstract class CrmSinkFactory<O extends Record & CrmSinkFactory.CrmOptions> implements SinkFactory<O> {

    /** What every CRM sink's options have. */
    public interface CrmOptions {

        HttpCredentials credentials();

        HttpTimeout timeout();
    }

    /** Makes the CRM's sink: its constructor. */
    @FunctionalInterface
    public interface Constructor<O> {
        TaskSink create(String name, O options, Secret token, HttpDelivery http);
    }

    private final Class<O> optionsType;
    private final String addressOption;
    private final Function<O, String> address;
    private final Constructor<O> constructor;

    /**
     * @param addressOption the option holding the API's address ({@code base_url}, {@code instance_url})
     * @param address       reads it
     */
    protected CrmSinkFactory(Class<O> optionsType, String addressOption, Function<O, String> address, Constructor<O> constructor) {
        this.optionsType = optionsType;
        this.addressOption = addressOption;
        this.address = address;
        this.constructor = constructor;
    }

    @Override
    public final List<OptionProblem> check(O options, SinkEnvironment environment) {
        List<OptionProblem> problems = new ArrayList<>(new OutboundPolicy(environment.allowedHosts())
                .check(addressOption, address.apply(options), Redactor.none()));
        problems.addAll(options.credentials().check(environment));
        problems.addAll(checkOwnOptions(options));
        return problems;
    }

    /** The checks of the options this CRM alone has: none, unless the CRM says otherwise. */
    protected List<OptionProblem> checkOwnOptions(O options) {
        return List.of();
    }

    @Override
    public final TaskSink create(String name, O options, SinkEnvironment environment) {
        return constructor.create(name, options, options.credentials().token(name, environment), options.timeout().delivery(environment));
    }

    @Override
    public final Class<O> optionsType() {
        return optionsType;
    }
}
