package dev.switchboard.workflows.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A benchmark's measures over interleaved runs: every run's figure, then the median and the spread (min to max),
 * never the best run. A ratio is taken run by run (b of run 3 over a of run 3), then summarised the same way.
 */
final class BenchRuns {

    private final Map<String, List<Double>> measures = new LinkedHashMap<>();
    private final Map<String, Integer> decimals = new LinkedHashMap<>();

    /** A rate, printed without decimals. */
    void add(String measure, double value) {
        add(measure, value, 0);
    }

    void add(String measure, double value, int decimalPlaces) {
        decimals.putIfAbsent(measure, decimalPlaces);
        measures.computeIfAbsent(measure, name -> new ArrayList<>()).add(value);
    }

    /** Adds the run-by-run ratio of two measures already added, under {@code name}. */
    void ratio(String name, String numerator, String denominator) {
        List<Double> top = measures.getOrDefault(numerator, List.of());
        List<Double> bottom = measures.getOrDefault(denominator, List.of());
        for (int i = 0; i < Math.min(top.size(), bottom.size()); i++) {
            add(name, top.get(i) / bottom.get(i), 2);
        }
    }

    List<Double> values(String measure) {
        return measures.getOrDefault(measure, List.of());
    }

    void print(PrintWriter out, int runs) {
        StringBuilder header = new StringBuilder(String.format(Locale.ROOT, "  %-52s", ""));
        for (int run = 1; run <= runs; run++) {
            header.append(String.format(Locale.ROOT, " %9s", "run " + run));
        }
        header.append(String.format(Locale.ROOT, " %9s %9s %9s %7s", "median", "min", "max", "spread"));
        out.println(header);
        measures.forEach((measure, values) -> {
            String format = " %,9." + decimals.get(measure) + "f";
            StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-52s", measure));
            for (int run = 0; run < runs; run++) {
                line.append(run < values.size() ? String.format(Locale.ROOT, format, values.get(run)) : String.format(" %9s", "-"));
            }
            SampleStatistics stats = SampleStatistics.of(values);
            line.append(String.format(Locale.ROOT, format + format + format + " %6.0f%%", stats.median(), stats.min(), stats.max(),
                    100 * stats.relativeSpread()));
            out.println(line);
        });
        out.println("  spread = (max - min) / median");
    }
}
