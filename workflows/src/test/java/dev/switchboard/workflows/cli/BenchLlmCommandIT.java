package dev.switchboard.workflows.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

/** A short run of {@code switchboard bench-llm}, so the benchmark keeps working; its figures are not checked. */
class BenchLlmCommandIT {

    @Test
    void should_print_the_overhead_table_for_the_step_and_the_baseline_when_run_briefly() {
        // given
        StringWriter out = new StringWriter();
        picocli.CommandLine command = SwitchboardCli.commandLine().setOut(new PrintWriter(out, true));

        // when
        int exit = command.execute("bench-llm", "--rate", "40", "--seconds", "1", "--warmup", "1", "--warmup-max-seconds", "0",
                "--latency-ms", "20");

        // then every request succeeded in both phases, and the figures are printed
        assertThat(exit).isZero();
        assertThat(out.toString()).contains("bare HTTP client", "Switchboard classify step", "p50 overhead", "peak RSS", "JIT",
                "warm-up round 1: this JVM's JIT compiling");
        assertThat(out.toString()).doesNotContain("warm-up round 2");
        // with the collectors the JVM runs, whose pauses are the p99 of both phases
        assertThat(out.toString()).contains("collectors " + ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(GarbageCollectorMXBean::getName).toList());
        assertThat(out.toString().lines().filter(line -> line.contains("   20 ms ")))
                .hasSize(2).allSatisfy(line -> assertThat(line).contains("100.00%"));
    }

    @Test
    void should_print_goodput_for_the_fixed_and_the_adaptive_limit_when_the_concurrency_bench_runs_briefly() {
        // given
        StringWriter out = new StringWriter();
        picocli.CommandLine command = SwitchboardCli.commandLine().setOut(new PrintWriter(out, true));

        // when
        int exit = command.execute("bench-llm", "concurrency", "--slots", "4", "--latency-ms", "50", "--callers", "24", "--fixed", "16",
                "--seconds", "2", "--warmup", "1");

        // then both limits have a row of figures, under the table's header
        assertThat(exit).isZero();
        assertThat(out.toString()).contains("capacity 80 calls/s", "goodput/s", "p99 ms", "429s", "timeouts");
        assertThat(out.toString().lines().filter(line -> line.startsWith("  fixed 16 ") || line.startsWith("  adaptive 16 "))).hasSize(2);
    }
}
