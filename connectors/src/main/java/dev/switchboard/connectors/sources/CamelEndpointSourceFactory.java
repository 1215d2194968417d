package dev.switchboard.connectors.sources;

import dev.switchboard.schemas.options.OptionProblem;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.connectors.sinks.CamelEndpointSink;
import dev.switchboard.schemas.options.Documentation;
import dev.switchboard.schemas.options.Example;
import dev.switchboard.schemas.options.Option;
import dev.switchboard.schemas.spi.SinkEnvironment;
import dev.switchboard.schemas.spi.Source;
import dev.switchboard.schemas.spi.SourceEnvironment;
import dev.switchboard.schemas.spi.SourceFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * The escape hatch for sources: any Camel endpoint (JMS, SQS, Slack, ...) whose scheme is listed in
 * {@code outbound.camel_schemes}. Each message becomes a CloudEvent: a JSON object body is the
 * event's {@code data}, anything else is {@code data.text}. A message is acknowledged to its
 * endpoint (the route completes) only after Kafka has acknowledged the event; no message header
 * reaches the event or steers anything.
 */
public final class CamelEndpointSource implements SourceFactory<CamelEndpointSource.Options> {

    private static final ObjectMapper JSON = new ObjectMapper();

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
            @com.fasterxml.jackson.annotation.JsonProperty("ack_timeout_seconds") Integer ackTimeoutSeconds) {
    }

    @Override
    public Class<Options> optionsType() {
        return Options.class;
    }

    @Override
    @SuppressWarnings("removal")
    public List<OptionProblem> check(Options options, SourceEnvironment environment) {
        return checkMessages(options, environment).stream().map(OptionProblem::fromMessage).toList();
    }

    private List<String> checkMessages(Options options, SourceEnvironment environment) {
        return CamelEndpointSink.checkUri(options.uri(), "uri", asSinkEnvironment(environment));
    }

    @Override
    public Source create(String name, Options options, SourceEnvironment environment) {
        List<String> problems = checkMessages(options, environment);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
        return new Consumer(name, options, environment);
    }

    private static SinkEnvironment asSinkEnvironment(SourceEnvironment environment) {
        return new SinkEnvironment() {
            @Override
            public Path baseDir() {
                return environment.baseDir();
            }

            @Override
            public Set<String> allowedHosts() {
                return environment.allowedHosts();
            }

            @Override
            public Optional<String> secret(String name) {
                return environment.secret(name);
            }

            @Override
            public Set<String> allowedCamelSchemes() {
                return environment.allowedCamelSchemes();
            }
        };
    }

    /** Builds the CloudEvent for one message body; public for tests. */
    public static SourceEvent event(String endpoint, String messageId, Object body, Options options) {
        ObjectNode data;
        String text = body == null ? "" : body instanceof byte[] bytes ? new String(bytes, StandardCharsets.UTF_8) : body.toString();
        JsonNode parsed = null;
        try {
            parsed = text.isBlank() ? null : JSON.readTree(text);
        } catch (Exception notJson) {
            // not JSON: kept as text
        }
        if (parsed != null && parsed.isObject()) {
            data = (ObjectNode) parsed;
        } else {
            data = JSON.createObjectNode().put("text", text);
        }
        String id = SourceEvent.stableId("camel", endpoint, messageId == null ? text : messageId);
        return SourceEvent.of(id, options.type(), options.source() == null ? "/camel" : options.source(), null,
                Instant.now(), data, messageId);
    }

    static final class Consumer implements Source {
        private final String name;
        private final Options options;
        private final SourceEnvironment environment;
        private final AtomicLong published = new AtomicLong();
        private volatile String lastError;
        private CamelContext camel;

        Consumer(String name, Options options, SourceEnvironment environment) {
            this.name = name;
            this.options = options;
            this.environment = environment;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public void start() throws Exception {
            DefaultCamelContext context = new DefaultCamelContext();
            context.getCamelContextExtension().setName("switchboard-source-" + name);
            String topic = options.topic() == null ? "switchboard.events" : options.topic();
            long timeout = options.ackTimeoutSeconds() == null ? 30 : options.ackTimeoutSeconds();
            context.addRoutes(new RouteBuilder() {
                @Override
                public void configure() {
                    from(options.uri()).routeId("source." + name).process(exchange -> publish(exchange, topic, timeout));
                }
            });
            context.start();
            this.camel = context;
        }

        private void publish(Exchange exchange, String topic, long timeoutSeconds) throws Exception {
            SourceEvent event = event(options.uri(), exchange.getMessage().getMessageId(), exchange.getMessage().getBody(), options);
            try {
                environment.events().publish(topic, event.key(), event.bytes()).get(timeoutSeconds, TimeUnit.SECONDS);
                published.incrementAndGet();
            } catch (Exception e) {
                lastError = e.getClass().getSimpleName();
                throw e; // the endpoint keeps the message (rollback, no ack) and delivers it again
            }
        }

        /** The Camel context, for tests that feed the endpoint. */
        CamelContext camelContext() {
            return camel;
        }

        @Override
        public Map<String, Object> health() {
            Map<String, Object> health = new LinkedHashMap<>();
            health.put("state", camel != null && camel.isStarted() ? "started" : "stopped");
            health.put("published", published.get());
            if (lastError != null) {
                health.put("last_error", lastError);
            }
            return health;
        }

        @Override
        public void close() {
            if (camel != null) {
                camel.stop();
            }
        }
    }
}
