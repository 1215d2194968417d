package dev.switchboard.workflows.cli;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The receiver at the end of the HTTP benchmark, on 127.0.0.1: it answers every POST 200 and keeps when each
 * event id (the {@code "id"} of the JSON body) first arrived, so that events are counted once however often
 * they are delivered (at-least-once), and lost ones can be named. Latency is measured from the POST's start to
 * this first arrival, both read from the same clock.
 */
final class HttpArrivals implements AutoCloseable {

    private static final Pattern ID = Pattern.compile("\"id\"\\s*:\\s*\"([^\"]+)\"");

    private final Map<String, Long> first = new ConcurrentHashMap<>();
    private final AtomicLong repeats = new AtomicLong();
    private final AtomicLong unreadable = new AtomicLong();
    private final LongSupplier clock;
    private HttpServer server;
    private ExecutorService threads;

    HttpArrivals(LongSupplier clock) {
        this.clock = clock;
    }

    /** A receiver listening on a free port of 127.0.0.1, timed by {@link System#nanoTime()}. */
    static HttpArrivals start() throws IOException {
        HttpArrivals arrivals = new HttpArrivals(System::nanoTime);
        arrivals.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1024);
        arrivals.threads = Executors.newFixedThreadPool(32);
        arrivals.server.setExecutor(arrivals.threads);
        arrivals.server.createContext("/", arrivals::handle);
        arrivals.server.start();
        return arrivals;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange; InputStream body = exchange.getRequestBody()) {
            arrived(new String(body.readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
        }
    }

    /** Records one delivery: its id's first arrival, or a repeat; a body without an id is counted as unreadable. */
    void arrived(String body) {
        Matcher id = ID.matcher(body);
        if (!id.find()) {
            unreadable.incrementAndGet();
            return;
        }
        long now = clock.getAsLong();
        if (first.putIfAbsent(id.group(1), now) != null) {
            repeats.incrementAndGet();
        }
    }

    String url() {
        return "http://" + hostAndPort() + "/receive";
    }

    String hostAndPort() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** How many of {@code ids} have arrived at least once. */
    int arrivedOf(Collection<String> ids) {
        int count = 0;
        for (String id : ids) {
            if (first.containsKey(id)) {
                count++;
            }
        }
        return count;
    }

    /** The ids among {@code ids} that never arrived, in their order. */
    List<String> missing(Collection<String> ids) {
        return ids.stream().filter(id -> !first.containsKey(id)).toList();
    }

    /** The last first-arrival among {@code ids}; 0 when none arrived. */
    long lastArrival(Collection<String> ids) {
        long last = 0;
        for (String id : ids) {
            Long at = first.get(id);
            if (at != null && at > last) {
                last = at;
            }
        }
        return last;
    }

    /** When {@code id} first arrived, in the clock's units; null when it never did. */
    Long arrival(String id) {
        return first.get(id);
    }

    /** For every id of {@code starts} that arrived: its first arrival less its start, in the clock's units. */
    List<Long> latencies(Map<String, Long> starts) {
        List<Long> latencies = new ArrayList<>(starts.size());
        starts.forEach((id, start) -> {
            Long at = first.get(id);
            if (at != null) {
                latencies.add(at - start);
            }
        });
        return latencies;
    }

    /** Deliveries of an id that had already arrived. */
    long repeats() {
        return repeats.get();
    }

    long unreadable() {
        return unreadable.get();
    }

    @Override
    public void close() {
        if (server != null) {
            server.stop(0);
            threads.shutdownNow();
        }
    }
}
