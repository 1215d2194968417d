package dev.switchboard.schemas.spi;

import java.util.concurrent.CompletableFuture;

/** Writes CloudEvents to Kafka; the future completes when Kafka has acknowledged the record. */
public interface EventPublisher {

    /**
     * @param topic the events topic
     * @param key   the entity id (a customer, a ticket), so one entity's events stay in order; may be null
     * @param event a CloudEvents 1.0 structured JSON event
     */
    CompletableFuture<Void> publish(String topic, String key, byte[] event);
}
