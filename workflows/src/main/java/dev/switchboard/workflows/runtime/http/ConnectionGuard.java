package dev.switchboard.workflows.runtime.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpConnection;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds what one client can hold of a listener: the number of open connections, the time to send a
 * request's headers (from the connection, or from the previous answer), and the time to send its body.
 * Netty reads every connection without a thread of its own, so a held connection costs memory, not a
 * thread; these bounds give that memory back.
 *
 * <p>A connection's {@link Watch} is used only on the connection's event-loop thread, so it needs no locks.
 */
final class ConnectionGuard {

    /** Why a connection or request was refused; the {@code reason} tag of {@code switchboard_http_refused_total}. */
    interface Refusals {
        void refused(String reason);
    }

    private final Vertx vertx;
    private final long headerMillis;
    private final long bodyMillis;
    private final int maxConnections;
    private final Refusals refusals;
    private final AtomicInteger open = new AtomicInteger();
    private final Map<HttpConnection, Watch> watches = new ConcurrentHashMap<>();

    ConnectionGuard(Vertx vertx, Duration headerTimeout, Duration bodyTimeout, int maxConnections, Refusals refusals) {
        this.vertx = vertx;
        this.headerMillis = headerTimeout.toMillis();
        this.bodyMillis = bodyTimeout.toMillis();
        this.maxConnections = maxConnections;
        this.refusals = refusals;
    }

    /** Open connections now. */
    int open() {
        return open.get();
    }

    /** A new connection: closed at once over the limit, else watched until its first request's headers are in. */
    void accepted(HttpConnection connection) {
        int now = open.incrementAndGet();
        Watch watch = new Watch(connection);
        connection.closeHandler(closed -> {
            open.decrementAndGet();
            watches.remove(connection);
            watch.cancel();
        });
        if (now > maxConnections) {
            refusals.refused("connection_limit");
            connection.close();
            return;
        }
        watches.put(connection, watch);
        watch.awaitHeaders();
    }

    /** The watch of a request's connection; a connection it never saw gets one that does nothing. */
    Watch watch(HttpConnection connection) {
        Watch watch = watches.get(connection);
        return watch != null ? watch : new Watch(null);
    }

    /** One connection's timer: waiting for headers, for a body, or nothing while a handler works. */
    final class Watch {

        private final HttpConnection connection;
        private long timer = -1;

        private Watch(HttpConnection connection) {
            this.connection = connection;
        }

        private void awaitHeaders() {
            arm(headerMillis, () -> {
                refusals.refused("header_timeout");
                connection.close();
            });
        }

        /** A request's headers are in; {@code onTimeout} answers it when its body is not in time. */
        void headersReceived(Runnable onTimeout) {
            arm(bodyMillis, () -> {
                refusals.refused("body_timeout");
                onTimeout.run();
            });
        }

        /** Its body is in (or it was answered early): nothing to wait for while the handler works. */
        void bodyReceived() {
            cancel();
        }

        /** Its answer is written and the connection stays open: the next request's headers are due. */
        void answered() {
            awaitHeaders();
        }

        private void arm(long millis, Runnable onTimeout) {
            cancel();
            if (connection != null) {
                timer = vertx.setTimer(millis, id -> {
                    timer = -1;
                    onTimeout.run();
                });
            }
        }

        void cancel() {
            if (timer >= 0) {
                vertx.cancelTimer(timer);
                timer = -1;
            }
        }
    }
}
