package dev.switchboard.workflows.cli;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One phase of {@code bench-llm}: one client (the bare HTTP client or the classify step) at one simulated latency, and what it measured. */
final class BenchPhase {

    final String name;
    final int latency;
    private final int index;
    private Figures figures;

    /** @param index tells this phase's requests apart from the others' in the simulator's log (0 to 25) */
    BenchPhase(String name, int latency, int index) {
        this.name = name;
        this.latency = latency;
        this.index = index % 26;
    }

    int index() {
        return index;
    }

    /**
     * What one phase measured.
     *
     * @param cpuMicros the process's CPU time per request of the phase (simulator included), in microseconds
     */
    record Figures(double p50, double p99, double max, int succeeded, int measured, int clientInFlight, int serverInFlight, double offeredRate,
                   double cpuMicros) {

        static Figures of(List<Double> overheads, int succeeded, int measured, int clientInFlight, int serverInFlight, double offeredRate,
                          double cpuMicros) {
            double[] sorted = overheads.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            return new Figures(percentile(sorted, 0.50), percentile(sorted, 0.99), sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1],
                    succeeded, measured, clientInFlight, serverInFlight, offeredRate, cpuMicros);
        }
    }

    void record(Figures figures) {
        this.figures = figures;
    }

    /** Prints the phase's line and returns its row of the final table. */
    Map<String, String> report(PrintWriter out) {
        Figures f = figures;
        long rss = peakRssKb();
        out.printf("    overhead p50 %.3f ms, p99 %.3f ms, max %.1f ms; success %d/%d; in flight max %d (simulator %d);"
                        + " offered %.0f/s; CPU %.0f µs a request; peak RSS %s%n", f.p50(), f.p99(), f.max(), f.succeeded(), f.measured(),
                f.clientInFlight(), f.serverInFlight(), f.offeredRate(), f.cpuMicros(), rss < 0 ? "n/a" : (rss >> 10) + " MB");
        out.flush();
        Map<String, String> row = new LinkedHashMap<>();
        row.put("phase", name);
        row.put("latency", latency + " ms");
        row.put("p50", String.format("%.3f ms", f.p50()));
        row.put("p99", String.format("%.3f ms", f.p99()));
        row.put("success", String.format("%.2f%%", 100.0 * f.succeeded() / f.measured()));
        row.put("in_flight", Integer.toString(f.serverInFlight()));
        row.put("cpu", Double.isNaN(f.cpuMicros()) ? "n/a" : String.format("%.0f µs", f.cpuMicros()));
        row.put("rss", rss < 0 ? "n/a" : (rss >> 10) + " MB");
        return row;
    }

    private static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int index = (int) Math.ceil(p * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, index))];
    }

    /**
     * CPU time of this process so far (every thread, the simulator's and the JVM's included), or -1 where the JVM does not
     * tell. Unlike latency percentiles it hardly moves with what else the machine runs, so it compares two phases of a busy run.
     */
    static long processCpuNanos() {
        return ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os ? os.getProcessCpuTime() : -1;
    }

    /** Peak resident set size of this process, from /proc/self/status (VmHWM); -1 where there is none. */
    static long peakRssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // not Linux
        }
        return -1;
    }
}
