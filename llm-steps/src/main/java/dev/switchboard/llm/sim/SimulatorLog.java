package dev.switchboard.llm.sim;

import dev.switchboard.llm.sim.ModelSimulator.Exchange;
import dev.switchboard.llm.sim.ModelSimulator.Request;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/** What the simulator received and sent back: requests and exchanges (bounded when asked), counts by status, concurrency. */
final class SimulatorLog {

    private final ConcurrentLinkedQueue<Exchange> exchanges = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Request> requests = new ConcurrentLinkedQueue<>();
    private volatile int limit = Integer.MAX_VALUE;
    private volatile Consumer<Exchange> listener;
    private final AtomicLong requestCount = new AtomicLong();
    private final Map<Integer, LongAdder> statusCounts = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger maxInFlight = new AtomicInteger();

    void limit(int max) {
        this.limit = max;
    }

    /** Told of every exchange as it is answered, before its response is sent; null: none. */
    void listener(Consumer<Exchange> listener) {
        this.listener = listener;
    }

    void clear() {
        exchanges.clear();
        requests.clear();
        requestCount.set(0);
        statusCounts.clear();
        maxInFlight.set(inFlight.get());
    }

    /** A request starts being served, until {@link #finished()}. */
    void started() {
        maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    }

    void finished() {
        inFlight.decrementAndGet();
    }

    /** A chat-completions request arrived; returns its number, from 1. */
    long counted() {
        return requestCount.incrementAndGet();
    }

    void received(Request request) {
        add(requests, request);
    }

    void answered(Exchange exchange) {
        add(exchanges, exchange);
        Consumer<Exchange> told = listener;
        if (told != null) {
            told.accept(exchange);
        }
    }

    void sent(int status) {
        statusCounts.computeIfAbsent(status, s -> new LongAdder()).increment();
    }

    private <T> void add(ConcurrentLinkedQueue<T> log, T entry) {
        log.add(entry);
        // size() walks the queue: count only when a limit is set (simulate-model), not in tests and benchmarks
        if (limit != Integer.MAX_VALUE && log.size() > limit) {
            log.poll();
        }
    }

    List<Request> requests() {
        return List.copyOf(requests);
    }

    List<Exchange> exchanges() {
        return List.copyOf(exchanges);
    }

    long requestCount() {
        return requestCount.get();
    }

    long statusCount(int status) {
        LongAdder count = statusCounts.get(status);
        return count == null ? 0 : count.sum();
    }

    Map<Integer, Long> statusCounts() {
        Map<Integer, Long> counts = new TreeMap<>();
        statusCounts.forEach((status, count) -> counts.put(status, count.sum()));
        return counts;
    }

    int maxInFlight() {
        return maxInFlight.get();
    }
}
