package dev.switchboard.workflows.runtime;

import org.apache.camel.Exchange;
import org.apache.camel.spi.HeaderFilterStrategy;

/**
 * Keeps Kafka record headers out of Camel headers and Camel headers out of Kafka records. A header
 * such as {@code CamelExecCommandExecutable} or {@code CamelHttpUri} on an incoming event must never
 * reach a component that would obey it; stages read what they need from the record itself.
 */
final class DropAllHeaders implements HeaderFilterStrategy {

    @Override
    public boolean applyFilterToCamelHeaders(String headerName, Object headerValue, Exchange exchange) {
        return true;
    }

    @Override
    public boolean applyFilterToExternalHeaders(String headerName, Object headerValue, Exchange exchange) {
        return true;
    }
}
