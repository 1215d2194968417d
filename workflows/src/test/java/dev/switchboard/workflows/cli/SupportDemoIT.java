package dev.switchboard.workflows.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code switchboard demo support} as a test: everything embedded, the simulator in-process, every ticket routed. */
class SupportDemoIT {

    @TempDir
    Path dir;

    @Test
    void should_route_every_ticket_and_never_auto_resolve_a_sensitive_one_when_the_support_demo_runs() throws Exception {
        // given
        ByteArrayOutputStream printed = new ByteArrayOutputStream();

        // when
        SupportDemoSummary summary = SupportDemo.run(dir, new PrintStream(printed, true, StandardCharsets.UTF_8), Duration.ofMinutes(6));

        System.out.println(printed.toString(StandardCharsets.UTF_8)); // the summary, as a person sees it, in the test's log

        // then every ticket took a route and every broken event was dead-lettered
        assertThat(summary.tickets()).isEqualTo(70);
        assertThat(summary.deadLettered()).isEqualTo(summary.badEvents()).isEqualTo(4);
        assertThat(summary.routes()).containsOnlyKeys(summary.expected().keySet());
        // no sensitive or VIP ticket was answered by itself, and each of them waits for a person
        assertThat(summary.confusion("review", "auto_resolve")).isZero();
        assertThat(summary.confusion("review", "review")).isEqualTo(summary.expected().values().stream().filter("review"::equals).count());
        // public replies went out only where the policy allowed it
        for (String sink : List.of("zendesk-replies", "freshdesk-replies")) {
            for (JsonNode task : summary.deliveries().get(sink)) {
                boolean published = task.path("fields").path("public").asText().equals("true");
                assertThat(published).as(task.path("title").asText())
                        .isEqualTo(!task.path("fields").path("route").asText().equals("agent_note"));
            }
        }
        assertThat(summary.count("auto_resolve")).isGreaterThan(20);
        // a floor for the policy on the sample, with the simulator's answers and real retrieval
        assertThat(summary.agreement()).isGreaterThan(0.85);
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("auto-resolved", "held for review", "agreement",
                "from the model simulator", "preset: deepseek", "preset: ollama");
    }
}
