package dev.switchboard.workflows.streams;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * A lookup's wait for a stage's Kafka Streams client to run and answer (after a start, while restoring or
 * rebalancing). Polled: KafkaStreams offers a state listener, but only one per client.
 */
final class StreamsWait {

    private static final long POLL_MILLIS = 50;

    private StreamsWait() {
    }

    /**
     * What {@code query} answers of the running client, asked again, for up to {@code wait}, while the client
     * is not bound or not running or {@code query} answers empty (a store migrating or restoring).
     *
     * @param late        what to throw past the wait, given its end, e.g. {@code after 30 s (state REBALANCING)}
     * @param interrupted what to throw when the waiting thread is interrupted
     */
    static <T> T await(Supplier<KafkaStreams> streams, Duration wait, Function<KafkaStreams, Optional<T>> query,
                       Function<String, RuntimeException> late, Function<InterruptedException, RuntimeException> interrupted) {
        long deadline = System.nanoTime() + wait.toNanos();
        while (true) {
            KafkaStreams running = streams.get();
            if (running != null && running.state() == KafkaStreams.State.RUNNING) {
                Optional<T> answer = query.apply(running);
                if (answer.isPresent()) {
                    return answer.get();
                }
            }
            if (System.nanoTime() > deadline) {
                throw late.apply("after " + wait.toSeconds() + " s (state " + (running == null ? "not started" : running.state()) + ")");
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw interrupted.apply(e);
            }
        }
    }
}
