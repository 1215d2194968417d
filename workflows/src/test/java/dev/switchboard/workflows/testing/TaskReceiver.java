package dev.switchboard.workflows.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A real HTTP webhook receiver on 127.0.0.1 that behaves like a well-made CRM endpoint: it keeps
 * tasks by {@code Idempotency-Key} and answers a repeated key with 200 without keeping it twice.
 * It can misbehave on purpose: fail the first attempts of every key (503, or 429 with Retry-After),
 * fail a share of all requests (500, 429 with Retry-After, or a hang past the caller's timeout),
 * fail some keys for good, or keep a task and then hold its answer, so that a caller killed
 * meanwhile never learns that the task arrived.
 */
public final class TaskReceiver implements AutoCloseable {

    /** How a request fails on purpose when {@link #faults} picks it. */
    public enum Fault {
        /** 500 with a short body; nothing kept. */
        SERVER_ERROR,
        /** 429 with {@code Retry-After: 1}; nothing kept. */
        RATE_LIMITED,
        /** Keeps the task, then answers only after {@code hang} (past the caller's timeout). */
        HANG
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final Map<String, String> tasks = new ConcurrentHashMap<>();
    private final Map<String, AtomicInteger> attempts = new ConcurrentHashMap<>();
    private final AtomicLong duplicates = new AtomicLong();
    private final AtomicLong requests = new AtomicLong();
    private final Map<Integer, AtomicLong> statuses = new ConcurrentHashMap<>();
    private final AtomicLong hangs = new AtomicLong();
    private final AtomicInteger held = new AtomicInteger();
    private final AtomicInteger toHold = new AtomicInteger();
    private volatile CountDownLatch release = new CountDownLatch(1);
    private volatile int failFirst;
    private volatile int failStatus = 503;
    private volatile Duration failRetryAfter = Duration.ZERO;
    private volatile double faultShare;
    private volatile Fault[] faultKinds = new Fault[0];
    private volatile Duration hang = Duration.ofSeconds(3);
    private volatile Random faultDice = new Random(0);
    private volatile Predicate<String> failForever = key -> false;
    private volatile Duration latency = Duration.ZERO;
    private final Map<String, java.util.List<Attempt>> history = new ConcurrentHashMap<>();
    private final java.util.Set<String> headerNames = ConcurrentHashMap.newKeySet();

    /** One request for a key: when it came (System.nanoTime) and the status it got. */
    public record Attempt(long nanos, int status) {
    }

    static {
        // The JDK server answers ~40 ms late without it (Nagle's algorithm against delayed ACKs).
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    public TaskReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        server.createContext("/tasks", this::handle);
        executor = Executors.newFixedThreadPool(32);
        server.setExecutor(executor);
        server.start();
    }

    /** Fails the first {@code attempts} requests of every key with {@code status} (429 carries Retry-After: 0). */
    public TaskReceiver failFirst(int attempts, int status) {
        return failFirst(attempts, status, Duration.ZERO);
    }

    /** Fails the first {@code attempts} requests of every key with {@code status}; a 429 asks for {@code retryAfter} (whole seconds). */
    public TaskReceiver failFirst(int attempts, int status, Duration retryAfter) {
        this.failFirst = attempts;
        this.failStatus = status;
        this.failRetryAfter = retryAfter;
        return this;
    }

    /**
     * Fails {@code share} of all requests (0.3: about 30%, drawn with {@code seed}) with one of
     * {@code kinds}, chosen evenly; {@code hang} is how long a hang lasts. Share 0 turns it off.
     */
    public TaskReceiver faults(double share, long seed, Duration hang, Fault... kinds) {
        this.faultDice = new Random(seed);
        this.hang = hang;
        this.faultKinds = kinds.clone();
        this.faultShare = share;
        return this;
    }

    /** Answers 500 to every request for a key that matches, for as long as it is set. */
    public TaskReceiver failForever(Predicate<String> keys) {
        this.failForever = keys;
        return this;
    }

    /** Waits this long before handling each request: a slow CRM. */
    public TaskReceiver latency(Duration latency) {
        this.latency = latency;
        return this;
    }

    /**
     * Keeps the next {@code requests} tasks and then holds their answers until {@link #releaseHeld()}
     * (or {@code max}): a caller killed meanwhile has delivered them without knowing it.
     */
    public TaskReceiver holdNext(int requests) {
        release = new CountDownLatch(1);
        toHold.set(requests);
        return this;
    }

    /** Answers every held request now, and holds no more. */
    public void releaseHeld() {
        toHold.set(0);
        release.countDown();
    }

    /** Requests whose task is kept and whose answer is held right now. */
    public int held() {
        return held.get();
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

    public int taskCount() {
        return tasks.size();
    }

    /** Requests for a key already kept: duplicates the receiver absorbed. */
    public long duplicates() {
        return duplicates.get();
    }

    public long requests() {
        return requests.get();
    }

    /** Requests answered with each status (hangs count under the status they finally got). */
    public Map<Integer, Long> statuses() {
        Map<Integer, Long> copy = new java.util.TreeMap<>();
        statuses.forEach((status, count) -> copy.put(status, count.get()));
        return copy;
    }

    /** Every request for each key in the order they came: when, and the status it got. */
    public Map<String, java.util.List<Attempt>> history() {
        Map<String, java.util.List<Attempt>> copy = new java.util.HashMap<>();
        history.forEach((key, attempts) -> {
            synchronized (attempts) {
                java.util.List<Attempt> sorted = new java.util.ArrayList<>(attempts);
                sorted.sort(java.util.Comparator.comparingLong(Attempt::nanos));
                copy.put(key, java.util.List.copyOf(sorted));
            }
        });
        return copy;
    }

    /** The name of every request header seen, lower case. */
    public java.util.Set<String> headerNames() {
        return java.util.Set.copyOf(headerNames);
    }

    /** Requests that hung on purpose. */
    public long hangs() {
        return hangs.get();
    }

    private final ThreadLocal<Long> arrived = ThreadLocal.withInitial(System::nanoTime);

    private void handle(HttpExchange exchange) throws IOException {
        arrived.set(System.nanoTime());
        requests.incrementAndGet();
        exchange.getRequestHeaders().keySet().forEach(name -> headerNames.add(name.toLowerCase(java.util.Locale.ROOT)));
        String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
        byte[] body = exchange.getRequestBody().readAllBytes();
        if (key == null || !"POST".equals(exchange.getRequestMethod())) {
            respond(exchange, 400, "Idempotency-Key header and POST required");
            return;
        }
        pause(latency);
        int attempt = attempts.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        if (attempt <= failFirst) {
            if (failStatus == 429) {
                exchange.getResponseHeaders().add("Retry-After", Long.toString(failRetryAfter.toSeconds()));
            }
            respond(exchange, failStatus, "try again");
            return;
        }
        if (failForever.test(key)) {
            respond(exchange, 500, "this one never works");
            return;
        }
        Fault fault = pickFault();
        if (fault == Fault.SERVER_ERROR) {
            respond(exchange, 500, "{\"error\":\"internal\"}");
            return;
        }
        if (fault == Fault.RATE_LIMITED) {
            exchange.getResponseHeaders().add("Retry-After", "1");
            respond(exchange, 429, "{\"error\":\"slow down\"}");
            return;
        }
        if (tasks.putIfAbsent(key, new String(body, StandardCharsets.UTF_8)) != null) {
            duplicates.incrementAndGet();
        }
        if (fault == Fault.HANG) {
            hangs.incrementAndGet();
            pause(hang);
        } else if (toHold.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            held.incrementAndGet();
            try {
                release.await(60, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } finally {
                held.decrementAndGet();
            }
        }
        respond(exchange, 200, "{\"ok\":true}");
    }

    private Fault pickFault() {
        double share = faultShare;
        Fault[] kinds = faultKinds;
        if (share <= 0 || kinds.length == 0) {
            return null;
        }
        synchronized (this) {
            if (faultDice.nextDouble() >= share) {
                return null;
            }
            return kinds[faultDice.nextInt(kinds.length)];
        }
    }

    private static void pause(Duration duration) {
        if (duration.isZero()) {
            return;
        }
        try {
            Thread.sleep(duration.toMillis()); // a slow or hanging receiver, on purpose
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void respond(HttpExchange exchange, int status, String body) throws IOException {
        statuses.computeIfAbsent(status, s -> new AtomicLong()).incrementAndGet();
        String key = exchange.getRequestHeaders().getFirst("Idempotency-Key");
        if (key != null) {
            java.util.List<Attempt> attempts = history.computeIfAbsent(key, k -> new java.util.ArrayList<>());
            synchronized (attempts) {
                attempts.add(new Attempt(arrived.get(), status));
            }
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try {
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        } catch (IOException gone) {
            // the caller timed out or was killed while we held the answer
        } finally {
            exchange.close();
        }
    }

    @Override
    public void close() {
        releaseHeld();
        server.stop(0);
        executor.shutdownNow();
    }
}
