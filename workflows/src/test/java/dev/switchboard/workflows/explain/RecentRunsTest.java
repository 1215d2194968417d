package dev.switchboard.workflows.explain;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A workflow's latest runs, from its step trace records. */
class RecentRunsTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void should_keep_the_latest_events_with_their_last_step_when_trace_records_pass() {
        // given room for two runs, and three events' steps
        RecentRuns runs = new RecentRuns(2);
        runs.add(trace("ev-1", "triage", "completed", "2026-12-04T10:00:00Z"));
        runs.add(trace("ev-2", "triage", "completed", "2026-12-04T10:01:00Z"));
        runs.add(trace("ev-1", "create", "completed", "2026-12-04T10:02:00Z"));
        runs.add(trace("ev-3", "triage", "review", "2026-12-04T10:03:00Z"));

        // then the two latest events show, newest first, each with its last step
        assertThat(runs.runs()).containsExactly(
                new RecentRuns.Run("ev-3", "2026-12-04T10:03:00Z", "triage", "review", null, 1),
                new RecentRuns.Run("ev-1", "2026-12-04T10:02:00Z", "create", "completed", null, 2));
    }

    private static com.fasterxml.jackson.databind.JsonNode trace(String event, String step, String outcome, String time) {
        return JSON.valueToTree(Map.of("workflow", "triage", "event_id", event, "step", step, "outcome", outcome, "time", time));
    }
}
