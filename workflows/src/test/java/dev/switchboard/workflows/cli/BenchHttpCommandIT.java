package dev.switchboard.workflows.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A short run of {@code switchboard bench http} without Node-RED, so the benchmark keeps working; its rates are not checked. */
class BenchHttpCommandIT {

    @Test
    void should_deliver_every_event_and_print_a_row_per_connection_count_when_run_briefly(@TempDir Path dir) {
        // given
        StringWriter out = new StringWriter();
        picocli.CommandLine command = SwitchboardCli.commandLine().setOut(new PrintWriter(out, true));

        // when
        int exit = command.execute("bench", "http", "--events", "150", "--warmup", "60", "--warmup-max-seconds", "0", "--connections", "2,4",
                "--node-red-script", "none", "--dir", dir.toString());

        // then one warm-up round ran (no time given to wait for the JIT), every event reached the receiver, once
        assertThat(exit).as(out.toString()).isZero();
        assertThat(out.toString()).contains("switchboard: warm-up round 1, 60 events at 2 connections:", "of the round",
                "node-red skipped", "repeats: deliveries of an event already received (0 in all); each system warmed up with 60 unmeasured");
        assertThat(out.toString()).doesNotContain("warm-up round 2");
        assertThat(out.toString().lines().filter(line -> line.matches("  switchboard +[24] +\\d+ .* 0 +0 .*"))).hasSize(2);
        assertThat(out.toString()).contains("event written -> POST answered (Kafka ack)");
    }
}
