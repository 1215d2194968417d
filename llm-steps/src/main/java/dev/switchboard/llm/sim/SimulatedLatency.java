package dev.switchboard.llm.sim;

import java.time.Duration;
import java.util.Random;
import java.util.function.Supplier;

/** Latency distributions for {@link ModelSimulator#latency(Supplier)}. */
public final class SimulatedLatency {

    private SimulatedLatency() {
    }

    /** Uniform between {@code min} and {@code max}; the seed makes a run repeatable. */
    public static Supplier<Duration> uniform(Duration min, Duration max, long seed) {
        Random random = new Random(seed);
        long span = max.toNanos() - min.toNanos();
        return () -> min.plusNanos((long) (random.nextDouble() * span));
    }

    /** Log-normal around {@code median}: a long tail, as real endpoints have. */
    public static Supplier<Duration> logNormal(Duration median, double sigma, long seed) {
        Random random = new Random(seed);
        return () -> Duration.ofNanos((long) (median.toNanos() * Math.exp(sigma * random.nextGaussian())));
    }
}
