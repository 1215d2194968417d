package dev.switchboard.connectors.sources;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.switchboard.connectors.sources.internal.EventTarget;
import dev.switchboard.connectors.sources.internal.SourceHealth;
import dev.switchboard.schemas.events.ExactJson;
import dev.switchboard.schemas.spi.Source;
import dev.switchboard.schemas.spi.SourceEnvironment;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.apache.camel.impl.DefaultCamelContext;

/**
 * Consumes one Camel endpoint and publishes each message as a CloudEvent: a JSON object body is the
 * event's {@code data}, anything else is {@code data.text}. A message is acknowledged to its
 * endpoint (the route completes) only after Kafka has acknowledged the event; no message header
 * reaches the event or steers anything.
 */
public final class CamelEndpointSource implements Source {

    private static final ObjectMapper JSON = ExactJson.mapper();

    private final String name;
    private final CamelEndpointSourceFactory.Options options;
    private final EventTarget target;
    private final SourceHealth health = new SourceHealth("stopped");
    private final AtomicLong published = health.counter("published");
    private CamelContext camel;

    CamelEndpointSource(String name, CamelEndpointSourceFactory.Options options, SourceEnvironment environment) {
        this.name = name;
        this.options = options;
        this.target = new EventTarget(environment.events(), options.topic(), Duration.ofSeconds(options.ackTimeoutSeconds()));
    }

    /** Builds the CloudEvent for one message body; public for tests. */
    public static SourceEvent event(String endpoint, String messageId, Object body, CamelEndpointSourceFactory.Options options) {
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
        return SourceEvent.of(id, options.type(), options.source(), null, Instant.now(), data, messageId);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void start() throws Exception {
        DefaultCamelContext context = new DefaultCamelContext();
        context.getCamelContextExtension().setName("switchboard-source-" + name);
        context.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from(options.uri()).routeId("source." + name).process(CamelEndpointSource.this::publish);
            }
        });
        context.start();
        this.camel = context;
        health.state("started");
    }

    private void publish(Exchange exchange) throws Exception {
        SourceEvent event = event(options.uri(), exchange.getMessage().getMessageId(), exchange.getMessage().getBody(), options);
        try {
            target.publishAndWait(event);
            published.incrementAndGet();
        } catch (Exception e) {
            health.failed(e.getClass().getSimpleName());
            throw e; // the endpoint keeps the message (rollback, no ack) and delivers it again
        }
    }

    /** The Camel context, for tests that feed the endpoint. */
    CamelContext camelContext() {
        return camel;
    }

    @Override
    public Map<String, Object> health() {
        return health.report();
    }

    @Override
    public void close() {
        if (camel != null) {
            camel.stop();
            health.state("stopped");
        }
    }
}
