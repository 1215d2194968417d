package dev.switchboard.llm.sim;

import java.time.Duration;

/**
 * A model server's capacity, as self-hosted servers (vLLM, Ollama, llama.cpp) behave: {@code slots} calls are
 * served at once at the simulator's latency; past that, calls share the slots, so a call's latency grows in
 * proportion to the calls in flight when it arrives and the throughput stays at the capacity
 * ({@link #callsPerSecond}); past {@code maxInFlight} calls in flight the server answers 429 with
 * {@code Retry-After} at once.
 *
 * @param slots       calls served side by side at the base latency
 * @param maxInFlight the most calls in flight before 429s
 * @param retryAfter  sent with each 429
 */
public record SimulatedCapacity(int slots, int maxInFlight, Duration retryAfter) {

    public SimulatedCapacity {
        if (slots < 1 || maxInFlight < slots) {
            throw new IllegalArgumentException("Need 1 <= slots <= maxInFlight: got slots " + slots + ", maxInFlight " + maxInFlight);
        }
    }

    /** Whether a call arriving when {@code inFlight} calls (itself included) are in flight is answered 429. */
    boolean rejects(int inFlight) {
        return inFlight > maxInFlight;
    }

    /** The latency of a call arriving when {@code inFlight} calls (itself included) are in flight. */
    Duration latency(Duration base, int inFlight) {
        return inFlight <= slots ? base : Duration.ofNanos(Math.round(base.toNanos() * (double) inFlight / slots));
    }

    /** Successful calls per second at most: the slots, each freed after the base latency. */
    public double callsPerSecond(Duration base) {
        return slots * 1e9 / Math.max(1, base.toNanos());
    }
}
