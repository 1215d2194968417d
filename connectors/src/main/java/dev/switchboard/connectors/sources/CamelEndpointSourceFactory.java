package dev.switchboard.connectors.sources;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.switchboard.connectors.camel.CamelEndpointPolicy;
import dev.switchboard.schemas.events.ReservedEventTypes;
import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.options.Example;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.options.OptionProblem;
import dev.switchboard.schemas.spi.PublishingOptions;
import dev.switchboard.schemas.spi.Source;
import dev.switchboard.schemas.spi.SourceEnvironment;
import dev.switchboard.schemas.spi.SourceFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Makes {@link CamelEndpointSource}s, the escape hatch for sources: any Camel endpoint (JMS, SQS,
 * Slack, ...) whose scheme {@link CamelEndpointPolicy} allows, each message a CloudEvent.
 */
public final class CamelEndpointSourceFactory implements SourceFactory<CamelEndpointSourceFactory.Options> {

    @Documentation(name = "camel", summary = "Consumes any Camel endpoint whose scheme is listed in outbound.camel_schemes and publishes each message as a CloudEvent.",
            description = """
                    A JSON object body becomes the event's `data`; any other body becomes `data.text`. The event id is \
                    derived from the endpoint and the message id, so a message the endpoint redelivers gets the same id. \
                    The component's jar must be on the classpath (`org.apache.camel:camel-<scheme>`). Schemes that reach \
                    files, run commands or evaluate code are refused even when listed.""")
    @Example(title = "Tickets from another team's Kafka cluster", yaml = """
            legacy-tickets:
              camel:
                uri: "kafka:helpdesk.tickets?brokers=legacy-kafka:9092&groupId=switchboard-bridge"
                type: ticket.created
                source: /legacy/helpdesk
            """)
    public record Options(
            @Option(description = "The Camel endpoint URI to consume from, e.g. `jms:queue:tickets` or `kafka:topic?brokers=other-cluster:9092`. Its scheme must be in `outbound.camel_schemes`.", required = true)
            String uri,
            @Option(description = "CloudEvent type of the events, e.g. `ticket.created`.", required = true)
            String type,
            @Option(description = "CloudEvent source of the events.", defaultValue = "/camel")
            String source,
            @Option(description = "Topic to publish to.", defaultValue = "switchboard.events")
            String topic,
            @Option(description = "Seconds to wait for Kafka to acknowledge an event before the message is failed back to its endpoint.",
                    defaultValue = "30", minimum = 1, maximum = 600)
            @JsonProperty("ack_timeout_seconds") Integer ackTimeoutSeconds) implements PublishingOptions {
    }

    @Override
    public List<OptionProblem> check(Options options, SourceEnvironment environment) {
        List<OptionProblem> problems = new ArrayList<>(new CamelEndpointPolicy(environment.allowedCamelSchemes(), environment.allowedHosts())
                .check("uri", options.uri()));
        ReservedEventTypes.refusal(options.type(), false).ifPresent(reason -> problems.add(OptionProblem.at("type", "Reserved event type")
                .got(options.type()).expected("a type outside " + ReservedEventTypes.INTERNAL_PREFIX + "* and " + ReservedEventTypes.CDC_PREFIX
                        + "*, which only Switchboard and change-data-capture sources write").fix("Name the type without that prefix, e.g. ticket.created")));
        return problems;
    }

    @Override
    public Source create(String name, Options options, SourceEnvironment environment) {
        List<OptionProblem> problems = check(options, environment);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(problems.stream().map(OptionProblem::toString).collect(Collectors.joining("; ")));
        }
        return new CamelEndpointSource(name, options, environment);
    }

    @Override
    public Class<Options> optionsType() {
        return Options.class;
    }
}
