package dev.switchboard.connectors.sinks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.connectors.http.HttpDelivery;
import dev.switchboard.connectors.secrets.Redactor;
import dev.switchboard.schemas.Task;
import dev.switchboard.schemas.spi.DeliveryResult;
import dev.switchboard.schemas.spi.TaskSink;
import java.util.Locale;
import org.apache.camel.CamelContext;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.InvalidPayloadException;
import org.apache.camel.NoTypeConversionAvailableException;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.impl.DefaultCamelContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends each task, as JSON in the message body, to one Camel endpoint through a producer template on
 * a Camel context of its own, with log masking on. No header taken from the task reaches the
 * endpoint, so event data cannot steer it (a {@code CamelFileName} or {@code CamelHttpUri} in a
 * task's fields stays in the body).
 */
public final class CamelEndpointSink implements TaskSink {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Logger LOG = LoggerFactory.getLogger(CamelEndpointSink.class);
    /** Resolves endpoints; at TRACE it logs their URIs without Camel's masking. */
    private static final String CAMEL_ENGINE_LOGGER = "org.apache.camel.impl.engine.AbstractCamelContext";

    private final String name;
    private final String scheme;
    private final Redactor redactor;
    private final CamelContext camel;
    private final ProducerTemplate producer;
    private final Endpoint endpoint;

    CamelEndpointSink(String name, String uri) {
        if (LoggerFactory.getLogger(CAMEL_ENGINE_LOGGER).isTraceEnabled()) {
            LOG.warn("Logger {} is at TRACE: Camel then logs endpoint URIs unmasked, credentials included (sink '{}'). "
                    + "Keep org.apache.camel at DEBUG or above in production", CAMEL_ENGINE_LOGGER, name);
        }
        this.name = name;
        this.scheme = uri.substring(0, uri.indexOf(':')).toLowerCase(Locale.ROOT);
        // the whole URI and each option value: any of them may be a credential
        this.redactor = Redactor.of(uri).and(Redactor.queryValues(uri));
        DefaultCamelContext context = new DefaultCamelContext();
        context.getCamelContextExtension().setName("switchboard-sink-" + name);
        context.setLogMask(true);
        try {
            context.start();
            this.endpoint = context.getEndpoint(uri);
            this.producer = context.createProducerTemplate();
        } catch (RuntimeException e) {
            context.stop();
            // no cause: its message and stack may quote the whole URI
            throw new IllegalStateException("Cannot open Camel endpoint '" + scheme + ":…' for sink '" + name + "': "
                    + redactor.redact(String.valueOf(e.getMessage())));
        }
        this.camel = context;
    }

    CamelContext camelContext() {
        return camel;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public DeliveryResult deliver(Task task) {
        String body;
        try {
            body = JSON.writeValueAsString(task);
        } catch (JsonProcessingException e) {
            return new DeliveryResult.Rejected("Task cannot be written as JSON: " + e.getOriginalMessage());
        }
        // a fresh exchange: its only header is the one set here
        Exchange result = producer.send(endpoint, exchange -> {
            exchange.getIn().setBody(body);
            exchange.getIn().setHeader(Exchange.CONTENT_TYPE, "application/json");
        });
        Exception failure = result.getException();
        if (failure == null) {
            return new DeliveryResult.Delivered("Camel endpoint " + scheme + ": accepted");
        }
        String reason = "Camel endpoint " + scheme + ": failed: " + HttpDelivery.abbreviate(redactor.redact(String.valueOf(failure)));
        if (failure instanceof InvalidPayloadException || failure instanceof NoTypeConversionAvailableException
                || failure instanceof IllegalArgumentException) {
            return new DeliveryResult.Rejected(reason);
        }
        return new DeliveryResult.Retry(reason, null);
    }

    @Override
    public void close() {
        producer.stop();
        camel.stop();
    }
}
