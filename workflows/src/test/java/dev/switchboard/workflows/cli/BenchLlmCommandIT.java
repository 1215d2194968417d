package dev.switchboard.workflows.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

/** A short run of {@code switchboard bench-llm}, so the benchmark keeps working; its figures are not checked. */
class BenchLlmCommandIT {

    @Test
    void should_print_the_overhead_table_for_the_step_and_the_baseline_when_run_briefly() {
        // given
        StringWriter out = new StringWriter();
        picocli.CommandLine command = SwitchboardCli.commandLine().setOut(new PrintWriter(out, true));

        // when
        int exit = command.execute("bench-llm", "--rate", "40", "--seconds", "1", "--warmup", "1", "--latency-ms", "20");

        // then every request succeeded in both phases, and the figures are printed
        assertThat(exit).isZero();
        assertThat(out.toString()).contains("bare HTTP client", "Switchboard classify step", "p50 overhead", "peak RSS");
        assertThat(out.toString().lines().filter(line -> line.contains("   20 ms ")))
                .hasSize(2).allSatisfy(line -> assertThat(line).contains("100.00%"));
    }
}
