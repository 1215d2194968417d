package dev.switchboard.schemas.spi;

import java.util.Map;

/**
 * A running source: it turns what it hears into CloudEvents and publishes them through
 * {@link SourceEnvironment#events()}, acknowledging its own input (an HTTP 2xx, a mail flag, a
 * Debezium offset) only after Kafka has acknowledged the event.
 */
public interface Source extends AutoCloseable {

    String name();

    void start() throws Exception;

    /** What the health endpoint shows for this source (state, last error, counts). */
    default Map<String, Object> health() {
        return Map.of();
    }

    @Override
    void close();
}
