package dev.switchboard.workflows.reliability;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Connections that misbehave on purpose, all driven by one thread: half send a request's headers
 * and then a tenth of its announced body and hold the rest back; the other half send their headers
 * one byte every half second and never finish. Each connection records when the server closed it.
 * Bounded: it stops at its deadline and closes whatever is still open.
 */
final class SlowClients implements AutoCloseable {

    /** One held connection and when the server closed it (-1 while open). */
    private static final class Held {
        final SocketChannel channel;
        final boolean dribbling;
        final long openedNanos;
        long closedNanos = -1;

        Held(SocketChannel channel, boolean dribbling) {
            this.channel = channel;
            this.dribbling = dribbling;
            this.openedNanos = System.nanoTime();
        }
    }

    private static final long DRIBBLE_NANOS = Duration.ofMillis(500).toNanos();

    private final List<Held> held = new ArrayList<>();
    private final Selector selector;

    private SlowClients(Selector selector) {
        this.selector = selector;
    }

    /** Opens {@code count} connections to 127.0.0.1:{@code port} and starts each one's misbehaviour on {@code path}. */
    static SlowClients open(int port, String path, int count) throws IOException {
        SlowClients clients = new SlowClients(Selector.open());
        for (int i = 0; i < count; i++) {
            SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
            boolean dribbling = i % 2 == 1;
            String start = dribbling
                    ? "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/cloudevents+json\r\nX-Slow: "
                    : "POST " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/cloudevents+json\r\n"
                            + "Content-Length: 1000\r\n\r\n" + "{".repeat(100);
            channel.write(ByteBuffer.wrap(start.getBytes(StandardCharsets.US_ASCII)));
            channel.configureBlocking(false);
            Held connection = new Held(channel, dribbling);
            channel.register(clients.selector, SelectionKey.OP_READ, connection);
            clients.held.add(connection);
        }
        return clients;
    }

    /** Keeps misbehaving until the server has closed every connection or the deadline passes; true when all were closed. */
    boolean holdUntilClosed(Duration deadline) throws IOException {
        long end = System.nanoTime() + deadline.toNanos();
        long nextDribble = System.nanoTime() + DRIBBLE_NANOS;
        ByteBuffer buffer = ByteBuffer.allocate(4096);
        while (open() > 0 && System.nanoTime() < end) {
            selector.select(100);
            for (SelectionKey key : selector.selectedKeys()) {
                Held connection = (Held) key.attachment();
                buffer.clear();
                int read;
                try {
                    read = connection.channel.read(buffer);
                } catch (IOException reset) {
                    read = -1;
                }
                if (read < 0) {
                    closed(connection, key);
                }
            }
            selector.selectedKeys().clear();
            if (System.nanoTime() >= nextDribble) {
                nextDribble += DRIBBLE_NANOS;
                for (Held connection : held) {
                    if (connection.dribbling && connection.closedNanos < 0) {
                        try {
                            connection.channel.write(ByteBuffer.wrap(new byte[] {'x'}));
                        } catch (IOException reset) {
                            closed(connection, connection.channel.keyFor(selector));
                        }
                    }
                }
            }
        }
        return open() == 0;
    }

    private static void closed(Held connection, SelectionKey key) {
        connection.closedNanos = System.nanoTime();
        if (key != null) {
            key.cancel();
        }
        try {
            connection.channel.close();
        } catch (IOException ignored) {
            // closed by the server already
        }
    }

    long open() {
        return held.stream().filter(connection -> connection.closedNanos < 0).count();
    }

    /** The longest any connection stayed open before the server closed it. */
    Duration longestHeld() {
        return Duration.ofNanos(held.stream().filter(connection -> connection.closedNanos >= 0)
                .mapToLong(connection -> connection.closedNanos - connection.openedNanos).max().orElse(0));
    }

    @Override
    public void close() throws IOException {
        for (Held connection : held) {
            connection.channel.close();
        }
        selector.close();
    }
}
