package dev.switchboard.connectors.sinks;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.connectors.testkit.AbstractTaskSinkContractTest;
import dev.switchboard.schemas.spi.SinkEnvironment;
import dev.switchboard.schemas.spi.SinkFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The sink contract, for a Camel endpoint from the classpath whose URI, with a password in it, comes from the environment. */
class CamelEndpointSinkContractTest extends AbstractTaskSinkContractTest<CamelEndpointSinkFactory.Options> {

    private static final String PASSWORD = "camel-pa55word-value";
    private static final String URI = "recording:tasks?password=" + PASSWORD;
    private static final ObjectMapper JSON = new ObjectMapper();

    @Override
    protected SinkFactory<CamelEndpointSinkFactory.Options> factory() {
        return new CamelEndpointSinkFactory();
    }

    @Override
    protected String options() {
        return "uri_env: CAMEL_URI";
    }

    @Override
    protected SinkEnvironment environment() {
        return new SinkTesting.Environment(dir, Set.of(), Map.of("CAMEL_URI", URI), Set.of("recording"));
    }

    /** The {@code id} of each message body the endpoint received: the task id, for the receiver to drop repeats. */
    @Override
    protected List<String> idempotencyKeysReceived() {
        return endpoint().received().stream().map(exchange -> {
            try {
                return JSON.readTree(exchange.getIn().getBody(String.class)).path("id").asText();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }).toList();
    }

    @Override
    protected void breakDestination() {
        endpoint().setFail(true);
    }

    @Override
    protected Set<String> secrets() {
        return Set.of(PASSWORD);
    }

    private RecordingComponent.RecordingEndpoint endpoint() {
        return ((CamelEndpointSink) sink).camelContext().getEndpoint(URI, RecordingComponent.RecordingEndpoint.class);
    }
}
