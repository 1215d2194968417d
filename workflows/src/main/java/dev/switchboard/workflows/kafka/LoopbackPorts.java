package dev.switchboard.workflows.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Ports on 127.0.0.1 for the embedded broker's listeners. */
final class LoopbackPorts {

    private LoopbackPorts() {
    }

    static void requireAvailable(int port) {
        try (ServerSocket socket = new ServerSocket()) {
            socket.setReuseAddress(true);
            socket.bind(new InetSocketAddress(InetAddress.getByName(EmbeddedKafkaBroker.HOST), port));
        } catch (IOException e) {
            throw new IllegalStateException("Cannot start embedded Kafka: " + EmbeddedKafkaBroker.HOST + ":" + port
                    + " is already in use (is another Kafka running?)", e);
        }
    }

    static int free(int avoid) {
        for (int i = 0; i < 10; i++) {
            try (ServerSocket socket = new ServerSocket()) {
                socket.setReuseAddress(true);
                socket.bind(new InetSocketAddress(InetAddress.getByName(EmbeddedKafkaBroker.HOST), 0));
                int port = socket.getLocalPort();
                if (port != avoid) {
                    return port;
                }
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot find a free port on " + EmbeddedKafkaBroker.HOST, e);
            }
        }
        throw new IllegalStateException("Cannot find a free port on " + EmbeddedKafkaBroker.HOST);
    }

    static boolean isBindFailure(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof BindException) {
                return true;
            }
            String message = t.getMessage();
            if (message != null && message.contains("failed to bind")) {
                return true;
            }
        }
        return false;
    }
}
