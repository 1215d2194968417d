package dev.switchboard.connectors.sinks;

import dev.switchboard.schemas.spi.EventPublisher;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

/** A Kafka that keeps what it is sent, or refuses it once broken. */
final class RecordingPublisher implements EventPublisher {

    record Published(String topic, String key, String event) {
    }

    private final List<Published> published = new CopyOnWriteArrayList<>();
    private volatile boolean broken;

    @Override
    public CompletableFuture<Void> publish(String topic, String key, byte[] event) {
        if (broken) {
            return CompletableFuture.failedFuture(new IllegalStateException("broker unavailable"));
        }
        published.add(new Published(topic, key, new String(event, java.nio.charset.StandardCharsets.UTF_8)));
        return CompletableFuture.completedFuture(null);
    }

    List<Published> published() {
        return List.copyOf(published);
    }

    void breakDown() {
        broken = true;
    }
}
