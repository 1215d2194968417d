package dev.switchboard.workflows.runtime.http;

import dev.switchboard.schemas.spi.HttpIngress.Request;
import dev.switchboard.schemas.spi.HttpIngress.Response;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One listener's way with a request, on the connection's event-loop thread: the {@code Host} check,
 * the route, the body limit (413 from {@code Content-Length}, or as soon as a chunked body passes it),
 * the body timeout (408), then the handler on a worker thread (503 when the workers and their queue
 * are full, counting the requests whose asynchronous answer is pending) and the answer, written on
 * the connection's own context whatever thread completed it. A request refused before its body is read is answered with
 * {@code Connection: close}, so the unread rest never reaches a handler.
 */
final class RequestExchange {

    private static final Logger LOG = LoggerFactory.getLogger(RequestExchange.class);

    private final ListenerSpec spec;
    private final Function<String, HttpListener.Route> routes;
    private final ConnectionGuard guard;
    private final WorkerExecutor workers;
    private final int capacity;
    private final ConnectionGuard.Refusals refusals;
    private final AtomicInteger pending = new AtomicInteger();

    /** @param capacity requests running, waiting for a worker or waiting for their answer, at most */
    RequestExchange(ListenerSpec spec, Function<String, HttpListener.Route> routes, ConnectionGuard guard, WorkerExecutor workers,
                    int capacity, ConnectionGuard.Refusals refusals) {
        this.spec = spec;
        this.routes = routes;
        this.guard = guard;
        this.workers = workers;
        this.capacity = capacity;
        this.refusals = refusals;
    }

    void handle(HttpServerRequest request) {
        ConnectionGuard.Watch watch = guard.watch(request.connection());
        watch.headersReceived(() -> answerAndClose(request, watch, Response.error(408,
                "Request body not received within " + spec.limits().bodyTimeout().toSeconds() + " s")));
        if (spec.allowedHosts() != null && !spec.allowedHosts().allows(request.getHeader("Host"))) {
            refusals.refused("host");
            answerAndClose(request, watch, Response.error(421, "Unknown host in the Host header: got '" + request.getHeader("Host")
                    + "', expected an IP address or a name in " + spec.name() + ".allowed_hosts. Add the name there, or use the address"));
            return;
        }
        String path = request.path();
        HttpListener.Route route = routes.apply(path);
        if (route == null) {
            answerAndClose(request, watch, Response.error(404, "No route for " + path));
            return;
        }
        String length = request.getHeader("Content-Length");
        if (length != null) {
            long announced;
            try {
                announced = Long.parseLong(length.trim());
            } catch (NumberFormatException e) {
                answerAndClose(request, watch, Response.error(400, "Invalid Content-Length"));
                return;
            }
            if (announced > route.maxBodyBytes()) {
                tooLarge(request, watch, route);
                return;
            }
        }
        if ("100-continue".equalsIgnoreCase(request.getHeader("Expect"))) {
            request.response().writeContinue();
        }
        Buffer body = Buffer.buffer();
        request.handler(chunk -> {
            if (request.response().ended() || request.response().headWritten()) {
                return;
            }
            if (body.length() + chunk.length() > route.maxBodyBytes()) {
                tooLarge(request, watch, route);
                return;
            }
            body.appendBuffer(chunk);
        });
        request.exceptionHandler(error -> LOG.debug("{} listener: request to {} broke off: {}", spec.name(), path, error.toString()));
        request.endHandler(end -> {
            if (request.response().ended() || request.response().headWritten()) {
                return;
            }
            watch.bodyReceived();
            Request received;
            try {
                received = request(request, path, body.getBytes());
            } catch (IllegalArgumentException e) {
                answerAndClose(request, watch, Response.error(400, "Invalid query string: " + e.getMessage()));
                return;
            }
            dispatch(request, watch, route, received);
        });
    }

    private void tooLarge(HttpServerRequest request, ConnectionGuard.Watch watch, HttpListener.Route route) {
        refusals.refused("body_too_large");
        answerAndClose(request, watch, Response.error(413, "Body larger than " + route.maxBodyBytes() + " bytes"));
    }

    private void dispatch(HttpServerRequest request, ConnectionGuard.Watch watch, HttpListener.Route route, Request received) {
        if (route.inline()) {
            invoke(route, received).whenComplete((response, error) -> answer(request, watch, answerOf(received, response, error), false));
            return;
        }
        if (pending.incrementAndGet() > capacity) {
            pending.decrementAndGet();
            refusals.refused("overloaded");
            request.response().putHeader("Retry-After", "1");
            answer(request, watch, Response.error(503, "Busy: every worker is taken and the queue is full; retry later"), false);
            return;
        }
        Context context = Vertx.currentContext();
        workers.executeBlocking(() -> invoke(route, received), false).onComplete(started -> {
            CompletionStage<Response> answered = started.succeeded() ? started.result() : CompletableFuture.failedFuture(started.cause());
            answered.whenComplete((response, error) -> onContext(context, () -> {
                pending.decrementAndGet();
                answer(request, watch, answerOf(received, response, error), false);
            }));
        });
    }

    /** The handler's answer, as a stage that completes when it is ready; a handler that throws fails the stage. */
    private static CompletionStage<Response> invoke(HttpListener.Route route, Request received) {
        try {
            CompletionStage<Response> response = route.handler().handle(received);
            return response != null ? response : CompletableFuture.completedFuture(null);
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** What to answer for a handler's outcome: its response, or 500 when it failed or answered null. */
    private static Response answerOf(Request received, Response response, Throwable error) {
        if (error == null && response != null) {
            return response;
        }
        if (error != null) {
            Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
            LOG.warn("Handler for {} failed: {}", received.path(), cause.toString());
        }
        return Response.error(500, "Internal error");
    }

    /** Runs {@code action} on the connection's context: at once when already there, else as its next task. */
    private static void onContext(Context context, Runnable action) {
        if (context == null || Vertx.currentContext() == context) {
            action.run();
        } else {
            context.runOnContext(ignored -> action.run());
        }
    }

    private void answerAndClose(HttpServerRequest request, ConnectionGuard.Watch watch, Response response) {
        watch.bodyReceived();
        answer(request, watch, response, true);
    }

    private static void answer(HttpServerRequest request, ConnectionGuard.Watch watch, Response response, boolean close) {
        HttpServerResponse out = request.response();
        if (out.ended() || out.closed()) {
            return;
        }
        byte[] body = response.body() == null ? new byte[0] : response.body();
        out.setStatusCode(response.status());
        if (response.contentType() != null) {
            out.putHeader("Content-Type", response.contentType());
        }
        out.putHeader("X-Content-Type-Options", "nosniff");
        response.headers().forEach(out::putHeader);
        if (close) {
            out.putHeader("Connection", "close");
        }
        out.end(Buffer.buffer(body)).onComplete(written -> {
            if (close || written.failed()) {
                request.connection().close();
            } else {
                watch.answered();
            }
        });
    }

    private static Request request(HttpServerRequest request, String path, byte[] body) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (String name : request.headers().names()) {
            headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(request.headers().getAll(name)));
        }
        String remote = request.remoteAddress() == null ? "" : request.remoteAddress().hostAddress();
        return new Request(request.method().name(), path, Map.copyOf(headers), query(request.query()), body, remote == null ? "" : remote);
    }

    /** The query string's parameters, decoded, in order; a name without {@code =} has the value "". */
    static Map<String, List<String>> query(String raw) {
        Map<String, List<String>> query = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return query;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            query.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
        }
        return query;
    }
}
