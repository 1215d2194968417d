package dev.switchboard.connectors.sinks;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.support.DefaultComponent;
import org.apache.camel.support.DefaultEndpoint;
import org.apache.camel.support.DefaultProducer;

/**
 * A Camel component found on the classpath like any other ({@code recording:name?password=...}):
 * it keeps what it receives, or fails with {@code fail=true}. Its {@code password}
 * option is a credential in an endpoint URI, as many real components have.
 */
public class RecordingComponent extends DefaultComponent {

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) throws Exception {
        RecordingEndpoint endpoint = new RecordingEndpoint(uri, this);
        setProperties(endpoint, parameters);
        return endpoint;
    }

    /** The endpoint: its received exchanges, and the options it was given. */
    public static class RecordingEndpoint extends DefaultEndpoint {
        private final List<Exchange> received = new CopyOnWriteArrayList<>();
        private String password;
        private boolean fail;

        RecordingEndpoint(String uri, RecordingComponent component) {
            super(uri, component);
        }

        public List<Exchange> received() {
            return received;
        }

        public String getPassword() {
            return password;
        }

        public void setPassword(String password) {
            this.password = password;
        }

        public boolean isFail() {
            return fail;
        }

        public void setFail(boolean fail) {
            this.fail = fail;
        }

        @Override
        public Producer createProducer() {
            return new DefaultProducer(this) {
                @Override
                public void process(Exchange exchange) throws Exception {
                    if (fail) {
                        throw new java.io.IOException("broker down (password " + password + ")");
                    }
                    received.add(exchange.copy());
                }
            };
        }

        @Override
        public Consumer createConsumer(Processor processor) {
            throw new UnsupportedOperationException("recording endpoints only receive");
        }
    }
}
