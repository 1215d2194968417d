package dev.switchboard.workflows.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's first command, as a test: everything embedded, summary printed, tasks delivered. */
class DemoIT {

    @TempDir
    Path dir;

    @Test
    void should_deliver_a_task_per_ticket_and_dead_letter_broken_events_when_demo_runs() throws Exception {
        // given
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        // when
        Demo.Summary summary = Demo.run(dir, new PrintStream(printed, true, StandardCharsets.UTF_8), Duration.ofMinutes(4));

        // then every ticket became one task, every broken event was dead-lettered, and labels come from the set
        assertThat(summary.events()).isEqualTo(250);
        assertThat(summary.tasks()).isEqualTo(250);
        assertThat(summary.deadLettered()).isEqualTo(summary.badEvents()).isEqualTo(4);
        assertThat(summary.tasksPerLabel().keySet())
                .isSubsetOf("billing", "bug", "how_to", "cancellation", "account_access", "feature_request");
        // a quality floor for the embedded model on the sample: zero-/few-shot from descriptions
        assertThat(summary.agreement()).isGreaterThan(0.65);
        // the first task is measured from the JVM's launch, so it comes after the test JVM's own start, before the end
        assertThat(summary.firstTask()).isPositive().isLessThan(Duration.ofMillis(ManagementFactory.getRuntimeMXBean().getUptime()));
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("tasks delivered", "agreement", "events/s", "first task");
        if (Files.isReadable(Path.of("/proc/self/status"))) {
            assertThat(printed.toString(StandardCharsets.UTF_8)).containsPattern("peak memory +\\d+ MB resident");
        }
    }
}
