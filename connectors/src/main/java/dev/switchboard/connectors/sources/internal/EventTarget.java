package dev.switchboard.connectors.sources.internal;

import dev.switchboard.connectors.sources.SourceEvent;
import dev.switchboard.schemas.spi.EventPublisher;
import java.time.Duration;
import java.util.Collection;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Where a source publishes its events, and how long it waits for Kafka's acknowledgement before it
 * treats the events as not published (and keeps what they came from, to publish them again).
 */
public record EventTarget(EventPublisher publisher, String topic, Duration ackTimeout) {

    public EventTarget {
        Objects.requireNonNull(publisher, "publisher");
        Objects.requireNonNull(topic, "topic");
        if (ackTimeout.isNegative() || ackTimeout.isZero()) {
            throw new IllegalArgumentException("ackTimeout must be positive, got " + ackTimeout);
        }
    }

    /** Publishes the event, keyed by its key; the future completes when Kafka acknowledges it. */
    public CompletableFuture<Void> publish(SourceEvent event) {
        return publisher.publish(topic, event.key(), event.bytes());
    }

    /** Publishes the event and waits for Kafka's acknowledgement, at most {@link #ackTimeout}. */
    public void publishAndWait(SourceEvent event) throws InterruptedException, ExecutionException, TimeoutException {
        await(publish(event));
    }

    /** Waits, at most {@link #ackTimeout} in all, until Kafka acknowledged every one of {@code acks}. */
    public void awaitAll(Collection<CompletableFuture<Void>> acks) throws InterruptedException, ExecutionException, TimeoutException {
        await(CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)));
    }

    private void await(CompletableFuture<Void> ack) throws InterruptedException, ExecutionException, TimeoutException {
        ack.get(ackTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }
}
