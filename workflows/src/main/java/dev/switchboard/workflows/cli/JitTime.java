package dev.switchboard.workflows.cli;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * This JVM's JIT compile time, for benchmarks: on two cores C2 compiling the engine, the broker and the benchmark's
 * own client takes most of a core for a minute or more after start, so a benchmark warms up until it has settled
 * and says how much of each measured phase the compilers took.
 */
final class JitTime {

    /** Compiling for under this share of a span's wall time counts as settled. */
    static final double SETTLED = 0.05;

    private static final CompilationMXBean JIT = ManagementFactory.getCompilationMXBean();

    private JitTime() {
    }

    static boolean available() {
        return JIT != null && JIT.isCompilationTimeMonitoringSupported();
    }

    /** Whether a span's {@link Span#share() share} means the compilers have settled (or the JVM does not say). */
    private static boolean settled(double share) {
        return Double.isNaN(share) || share < SETTLED;
    }

    /** A span's share as "12%", or "n/a" where the JVM does not say. */
    static String percent(double share) {
        return Double.isNaN(share) ? "n/a" : String.format(Locale.ROOT, "%.0f%%", 100 * share);
    }

    /**
     * When warm-up rounds may stop: after {@code inARow} settled rounds in a row (one quiet round may fall between two
     * bursts of compiling), or once {@code maxSeconds} have passed since it was made.
     */
    static final class Settling {
        private final long deadline;
        private final int inARow;
        private int settledRounds;

        Settling(int maxSeconds, int inARow) {
            this.deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(maxSeconds);
            this.inARow = inARow;
        }

        /** Takes a finished round's {@link Span#share() share}; true when the warm-up is over. */
        boolean done(double share) {
            settledRounds = settled(share) ? settledRounds + 1 : 0;
            return settledRounds >= inARow || System.nanoTime() >= deadline;
        }
    }

    /** Starts timing a span of work. */
    static Span start() {
        return new Span(available() ? JIT.getTotalCompilationTime() : 0, System.nanoTime());
    }

    /** A span of wall time and the compile time within it (summed over compiler threads, so it may pass 100%). */
    record Span(long compiledMsAtStart, long startedNanos) {

        /** The share of the span's wall time so far spent compiling; NaN where the JVM does not say. */
        double share() {
            if (!available()) {
                return Double.NaN;
            }
            double wallMs = Math.max(1e-3, (System.nanoTime() - startedNanos) / 1e6);
            return (JIT.getTotalCompilationTime() - compiledMsAtStart) / wallMs;
        }
    }
}
