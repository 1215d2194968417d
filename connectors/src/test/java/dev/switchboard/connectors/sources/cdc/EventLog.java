package dev.switchboard.connectors.sources.cdc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.switchboard.schemas.spi.EventPublisher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Stands in for Kafka where a test needs what was acknowledged to survive the process: each event
 * is appended to a file as one line ({@code key TAB event}) and forced to disk before its future
 * completes. With a delay, events are acknowledged one after the other, each that long after the
 * previous one, like a slow broker: a batch is then partly acknowledged for a while.
 */
public final class EventLog implements EventPublisher, AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** One acknowledged event. */
    public record Entry(String key, JsonNode event, String line) {
        public String id() {
            return event.path("id").asText();
        }

        public String type() {
            return event.path("type").asText();
        }

        public JsonNode data() {
            return event.path("data");
        }
    }

    private final FileChannel file;
    private final long ackDelayMillis;
    private long nextAckNanos = System.nanoTime();
    private final ScheduledExecutorService acks = Executors.newSingleThreadScheduledExecutor(runnable -> {
        Thread thread = new Thread(runnable, "event-log-acks");
        thread.setDaemon(true);
        return thread;
    });

    public EventLog(Path path, long ackDelayMillis) {
        try {
            this.file = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.ackDelayMillis = ackDelayMillis;
    }

    @Override
    public synchronized CompletableFuture<Void> publish(String topic, String key, byte[] event) {
        CompletableFuture<Void> acknowledged = new CompletableFuture<>();
        nextAckNanos = Math.max(nextAckNanos, System.nanoTime()) + TimeUnit.MILLISECONDS.toNanos(ackDelayMillis);
        acks.schedule(() -> {
            try {
                append(key + "\t" + new String(event, StandardCharsets.UTF_8) + "\n");
                acknowledged.complete(null);
            } catch (IOException e) {
                acknowledged.completeExceptionally(e);
            }
        }, nextAckNanos - System.nanoTime(), TimeUnit.NANOSECONDS);
        return acknowledged;
    }

    private void append(String line) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            file.write(bytes);
        }
        file.force(false);
    }

    /** Every event in the file, in the order written; a line cut by a crash is left out. */
    public static List<Entry> read(Path path) {
        List<Entry> entries = new ArrayList<>();
        if (!Files.exists(path)) {
            return entries;
        }
        try {
            for (String line : Files.readAllLines(path, StandardCharsets.UTF_8)) {
                int tab = line.indexOf('\t');
                if (tab < 0) {
                    continue;
                }
                try {
                    entries.add(new Entry(line.substring(0, tab), JSON.readTree(line.substring(tab + 1)), line));
                } catch (IOException e) {
                    // a partial last line: never acknowledged
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return entries;
    }

    @Override
    public void close() {
        acks.shutdown();
        try {
            acks.awaitTermination(5, TimeUnit.SECONDS);
            file.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
