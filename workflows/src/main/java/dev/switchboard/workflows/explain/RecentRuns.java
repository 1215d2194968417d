package dev.switchboard.workflows.explain;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * The latest events a workflow ran, read back from the step trace (one record per step an event went
 * through, marked with its workflow in a header, so records of other workflows are never parsed). It
 * reads the last hour first, and a day, then a week, only while it has found fewer runs than asked for.
 */
public final class RecentRuns {

    private static final String WORKFLOW_HEADER = "switchboard.workflow";
    private static final List<Duration> WINDOWS = List.of(Duration.ofHours(1), Duration.ofDays(1), Duration.ofDays(7));

    /** An event's run: its last step so far, how that ended and when, and how many steps it went through. */
    public record Run(String eventId, String time, String step, String outcome, String reason, int steps) {
    }

    private final int max;
    private final Map<String, Run> runs;

    RecentRuns(int max) {
        this.max = max;
        this.runs = new LinkedHashMap<>(16, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Run> eldest) {
                return size() > RecentRuns.this.max;
            }
        };
    }

    /** Up to {@code max} of the latest runs of {@code workflow}, newest first. */
    public static List<Run> read(String bootstrapServers, Map<String, String> clientProperties, String traceTopic, String workflow,
                                 int max, Instant now) {
        byte[] name = workflow.getBytes(StandardCharsets.UTF_8);
        RecentRuns found = new RecentRuns(max);
        try (TopicScan scan = new TopicScan(bootstrapServers, clientProperties)) {
            for (Duration window : WINDOWS) {
                found = new RecentRuns(max);
                RecentRuns into = found;
                scan.read(traceTopic, now.minus(window), record -> {
                    if (ofWorkflow(record, name)) {
                        into.add(EventRecords.json(record.value()));
                    }
                    return false; // counted as it passes: nothing is kept
                }, 1);
                if (found.runs.size() >= max) {
                    break;
                }
            }
        }
        return found.runs();
    }

    private static boolean ofWorkflow(ConsumerRecord<byte[], byte[]> record, byte[] workflow) {
        Header header = record.headers().lastHeader(WORKFLOW_HEADER);
        return header != null && Arrays.equals(header.value(), workflow);
    }

    /** Counts one step trace record, in the order they were written. */
    void add(JsonNode trace) {
        if (trace == null || !trace.hasNonNull("event_id")) {
            return;
        }
        String id = trace.path("event_id").asText();
        Run before = runs.remove(id); // a later step moves its event to the end: the newest
        runs.put(id, new Run(id, trace.path("time").asText(null), trace.path("step").asText(null), trace.path("outcome").asText(null),
                trace.path("reason").asText(null), before == null ? 1 : before.steps() + 1));
    }

    /** Newest first. */
    List<Run> runs() {
        List<Run> newest = new ArrayList<>(runs.values());
        java.util.Collections.reverse(newest);
        return newest;
    }
}
