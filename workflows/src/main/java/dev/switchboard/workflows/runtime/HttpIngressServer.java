package dev.switchboard.workflows.runtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.switchboard.schemas.spi.HttpIngress;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine's HTTP listener (the JDK's server: no extra dependency for a handful of routes).
 * Paths match exactly; a body over the route's limit is refused with 413 before its handler runs,
 * reading no more than limit + 1 bytes; a handler that throws answers 500 without detail.
 */
public final class HttpIngressServer implements HttpIngress, Service {

    private static final Logger LOG = LoggerFactory.getLogger(HttpIngressServer.class);

    static {
        // Without TCP_NODELAY the JDK server's small answers wait for the client's delayed ACK: ~40 ms
        // per request on a kept-alive connection, which caps a webhook sender at ~25 requests a second.
        // Read once, when the first server of the JVM is made; an explicit -D setting wins.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private record Route(int maxBodyBytes, Handler handler) {
    }

    private final String host;
    private final int configuredPort;
    private final Map<String, Route> routes = new ConcurrentHashMap<>();
    private HttpServer server;
    private ExecutorService executor;

    /** @param port 0 picks a free one when it starts */
    public HttpIngressServer(String host, int port) {
        this.host = host;
        this.configuredPort = port;
    }

    /** Binds and serves; routes may be added before and after. */
    @Override
    public synchronized void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(host, configuredPort), 128);
        executor = Executors.newFixedThreadPool(16, runnable -> {
            Thread thread = new Thread(runnable, "switchboard-http");
            thread.setDaemon(true);
            return thread;
        });
        server.setExecutor(executor);
        server.createContext("/", this::dispatch);
        server.start();
        LOG.info("HTTP listener on {}:{}", host, port());
    }

    /** The port it listens on, once started. */
    public synchronized int port() {
        return server == null ? -1 : server.getAddress().getPort();
    }

    @Override
    public void route(String path, int maxBodyBytes, Handler handler) {
        if (routes.putIfAbsent(path, new Route(maxBodyBytes, handler)) != null) {
            throw new IllegalArgumentException("Two handlers for HTTP path " + path + ": give each source its own path");
        }
    }

    private void dispatch(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            Route route = routes.get(path);
            if (route == null) {
                send(exchange, Response.error(404, "No route for " + path));
                return;
            }
            String length = exchange.getRequestHeaders().getFirst("Content-Length");
            if (length != null) {
                try {
                    if (Long.parseLong(length.trim()) > route.maxBodyBytes()) {
                        send(exchange, Response.error(413, "Body larger than " + route.maxBodyBytes() + " bytes"));
                        return;
                    }
                } catch (NumberFormatException e) {
                    send(exchange, Response.error(400, "Invalid Content-Length"));
                    return;
                }
            }
            byte[] body = readAtMost(exchange.getRequestBody(), route.maxBodyBytes() + 1);
            if (body.length > route.maxBodyBytes()) {
                send(exchange, Response.error(413, "Body larger than " + route.maxBodyBytes() + " bytes"));
                return;
            }
            Map<String, List<String>> headers = new LinkedHashMap<>();
            exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), List.copyOf(values)));
            Request request = new Request(exchange.getRequestMethod(), path, Map.copyOf(headers),
                    query(exchange.getRequestURI().getRawQuery()), body,
                    exchange.getRemoteAddress() == null ? "" : exchange.getRemoteAddress().getAddress().getHostAddress());
            Response response;
            try {
                response = route.handler().handle(request);
            } catch (Exception e) {
                LOG.warn("Handler for {} failed: {}", path, e.toString());
                response = Response.error(500, "Internal error");
            }
            send(exchange, response);
        }
    }

    private static byte[] readAtMost(InputStream in, int limit) throws IOException {
        return in.readNBytes(limit);
    }

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

    private static void send(HttpExchange exchange, Response response) throws IOException {
        byte[] body = response.body() == null ? new byte[0] : response.body();
        if (response.contentType() != null) {
            exchange.getResponseHeaders().set("Content-Type", response.contentType());
        }
        exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
        exchange.sendResponseHeaders(response.status(), body.length == 0 ? -1 : body.length);
        if (body.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    @Override
    public synchronized void stop() {
        server.stop(0);
        executor.shutdownNow();
        server = null;
    }
}
