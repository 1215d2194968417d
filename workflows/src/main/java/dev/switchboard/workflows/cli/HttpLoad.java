package dev.switchboard.workflows.cli;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;

/**
 * Closed-loop HTTP load for {@code bench http}: a number of connections, each a thread POSTing one event after
 * the other through one JDK {@link HttpClient} (HTTP/1.1, kept-alive connections), then waiting until every
 * event has reached the {@link HttpArrivals} receiver. An event whose POST is refused or fails is sent again,
 * as a sender would, up to five times; its latency runs from its first attempt.
 */
final class HttpLoad {

    private static final int ATTEMPTS = 5;

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final HttpArrivals receiver;

    HttpLoad(HttpArrivals receiver) {
        this.receiver = receiver;
    }

    /**
     * What one phase measured. Rate from the first POST's start to the last event's arrival; latencies in ms.
     *
     * @param posts each event's POST, by id, in {@link System#nanoTime()}
     */
    record Result(int sent, int arrived, int failedPosts, double eventsPerSecond, double p50Ms, double p99Ms, List<String> missing,
                  Map<String, Post> posts) {
    }

    /** When an event's POST started (its first attempt) and when its answer came, in {@link System#nanoTime()}. */
    record Post(long started, long answered) {
    }

    /**
     * Sends {@code events} events with ids {@code prefix + i} to {@code url}, {@code connections} at a time, and waits
     * up to {@code settle} after the last answer for them to arrive.
     */
    Result run(URI url, Map<String, String> headers, Function<String, String> body, String prefix, int events, int connections,
               Duration settle) throws InterruptedException {
        Map<String, Long> starts = new ConcurrentHashMap<>(events * 2);
        Map<String, Post> posts = new ConcurrentHashMap<>(events * 2);
        List<String> ids = new ArrayList<>(events);
        for (int i = 0; i < events; i++) {
            ids.add(prefix + i);
        }
        AtomicInteger next = new AtomicInteger();
        AtomicInteger failed = new AtomicInteger();
        AtomicLong firstStart = new AtomicLong(Long.MAX_VALUE);
        List<Thread> threads = new ArrayList<>(connections);
        for (int c = 0; c < connections; c++) {
            Thread thread = new Thread(() -> {
                for (int i = next.getAndIncrement(); i < events; i = next.getAndIncrement()) {
                    String id = ids.get(i);
                    long start = System.nanoTime();
                    firstStart.accumulateAndGet(start, Math::min);
                    starts.put(id, start);
                    if (!post(url, headers, body.apply(id))) {
                        failed.incrementAndGet();
                    }
                    posts.put(id, new Post(start, System.nanoTime()));
                }
            }, "bench-http-" + c);
            thread.start();
            threads.add(thread);
        }
        for (Thread thread : threads) {
            thread.join();
        }
        long deadline = System.nanoTime() + settle.toNanos();
        while (receiver.arrivedOf(ids) < events && System.nanoTime() < deadline) {
            // only the end of waiting depends on this interval: the rate is read from the arrival times themselves
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
        }
        int arrived = receiver.arrivedOf(ids);
        long last = receiver.lastArrival(ids);
        SampleStatistics latency = SampleStatistics.of(receiver.latencies(starts));
        double seconds = (last - firstStart.get()) / 1e9;
        return new Result(events, arrived, failed.get(), arrived == 0 ? 0 : arrived / seconds, latency.percentile(0.50) / 1e6,
                latency.percentile(0.99) / 1e6, receiver.missing(ids), Map.copyOf(posts));
    }

    private boolean post(URI url, Map<String, String> headers, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(request::header);
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                int status = client.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status >= 200 && status < 300) {
                    return true;
                }
            } catch (IOException e) {
                // sent again below, as a sender retries a failed connection
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return false;
    }
}
