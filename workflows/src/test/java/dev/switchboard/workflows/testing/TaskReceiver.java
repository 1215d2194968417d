package dev.switchboard.workflows.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real HTTP webhook receiver on 127.0.0.1 that behaves like a well-made CRM endpoint: it keeps
 * tasks by {@code Idempotency-Key} and answers a repeated key with 200 without keeping it twice.
 * It can fail the first attempts of every key on purpose (503, or 429 with Retry-After).
 */
public final class TaskReceiver implements AutoCloseable {

    private final HttpServer server;
    private final Map<String, String> tasks = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private volatile int failFirst;
    private volatile int failStatus = 503;

    public TaskReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/tasks", this::handle);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.start();
    }

    /** Fails the first {@code attempts} requests of every key with {@code status} (429 carries Retry-After: 0). */
    public TaskReceiver failFirst(int attempts, int status) {
        this.failFirst = attempts;
        this.failStatus = status;
        return this;
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/tasks";
    }

    public String hostAndPort() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Tasks kept, by idempotency key. */
    public Map<String, String> tasks() {
        return Map.copyOf(tasks);
    }

    /** Requests for a key already kept: duplicates the receiver absorbed. */
    public long duplicates() {
        return duplicates.get();
    }

    public long requests() {
        return requests.get();
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
        byte[] body = exchange.getRequestBody().readAllBytes();
        if (key == null || !"POST".equals(exchange.getRequestMethod())) {
            respond(exchange, 400, "Idempotency-Key header and POST required");
            return;
        }
        int attempt = attempts.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        if (attempt <= failFirst) {
            if (failStatus == 429) {
                exchange.getResponseHeaders().add("Retry-After", "0");
            }
            respond(exchange, failStatus, "try again");
            return;
        }
        if (tasks.putIfAbsent(key, new String(body, StandardCharsets.UTF_8)) != null) {
            duplicates.incrementAndGet();
        }
        respond(exchange, 200, "{\"ok\":true}");
    }

    private static void respond(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
    }
}
