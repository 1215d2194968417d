package dev.switchboard.workflows.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What a replay found, and the files it writes: {@code replay.md}, {@code replay.json} and
 * {@code diffs.jsonl} (one line per event whose outcome differs).
 *
 * @param variant      the variant workflow's name
 * @param live         the live workflow it was compared with
 * @param topic        where the events were read
 * @param range        which events, in words
 * @param agreement    event by event
 * @param liveCalls    the live workflow's model calls for these events
 * @param variantCalls the variant's
 * @param variantTasks tasks the variant made (recorded, never delivered)
 * @param liveTasks    tasks the live workflow made for these events
 * @param deadLetters  events the variant would have dead-lettered
 * @param reviews      events the variant would have held for review
 * @param seconds      wall time
 */
public record ReplayReport(String variant, String live, String topic, String range, Agreement agreement, CallStats liveCalls,
                           CallStats variantCalls, int variantTasks, int liveTasks, int deadLetters, int reviews, double seconds) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public List<Path> write(Path folder) throws IOException {
        Files.createDirectories(folder);
        Path markdown = folder.resolve("replay.md");
        Files.writeString(markdown, markdown(), StandardCharsets.UTF_8);
        Path json = folder.resolve("replay.json");
        Files.writeString(json, JSON.writeValueAsString(summary()), StandardCharsets.UTF_8);
        Path diffs = folder.resolve("diffs.jsonl");
        ObjectMapper compact = new ObjectMapper();
        try (Writer out = Files.newBufferedWriter(diffs, StandardCharsets.UTF_8)) {
            for (Agreement.EventDiff diff : agreement.diffs()) {
                out.write(compact.writeValueAsString(diff));
                out.write('\n');
            }
        }
        return List.of(markdown, json, diffs);
    }

    /** The figures, for scripts: {@code replay.json}. */
    public ReplaySummary summary() {
        return ReplaySummary.of(this);
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("# Replay: ").append(variant).append(" against ").append(live).append("\n\n");
        md.append("- ").append(agreement.events()).append(" events from `").append(topic).append("`, ").append(range).append('\n');
        md.append("- Nothing was delivered or written: the variant's tasks were recorded only.\n\n");
        md.append("| outcome | events |\n|---|---:|\n");
        md.append("| same tasks | ").append(agreement.same()).append(" |\n");
        md.append("| changed | ").append(agreement.changed()).append(" |\n");
        md.append("| dropped (live made a task, the variant none) | ").append(agreement.dropped()).append(" |\n");
        md.append("| new (the variant made a task, live none) | ").append(agreement.added()).append(" |\n");
        md.append("| no task on either side | ").append(agreement.noTask()).append(" |\n");
        md.append("| **agreement** | **").append(percent(agreement.agreement())).append("** |\n\n");
        md.append("The variant would have dead-lettered ").append(deadLetters).append(" and held ").append(reviews)
                .append(" events for review; it made ").append(variantTasks).append(" tasks, the live workflow ").append(liveTasks).append(".\n");
        if (!agreement.attributes().isEmpty()) {
            md.append("\n## What changed\n\n| attribute | events | detail |\n|---|---:|---|\n");
            agreement.attributes().forEach((name, changes) -> {
                String detail;
                if (Double.isNaN(changes.meanDelta())) {
                    List<String> top = new ArrayList<>();
                    changes.transitions().entrySet().stream().limit(5).forEach(e -> top.add("`" + e.getKey().replace("|", "\\|") + "` ×" + e.getValue()));
                    detail = String.join(", ", top);
                } else {
                    detail = String.format(Locale.ROOT, "mean delta %+.4f, mean absolute delta %.4f, largest %.4f",
                            changes.meanDelta(), changes.meanAbsDelta(), changes.maxAbsDelta());
                }
                md.append("| ").append(name).append(" | ").append(changes.changes()).append(" | ").append(detail).append(" |\n");
            });
        }
        md.append("\n## Cost and latency\n\n| | live | variant |\n|---|---:|---:|\n");
        md.append("| model calls | ").append(liveCalls.calls()).append(" | ").append(variantCalls.calls()).append(" |\n");
        md.append(String.format(Locale.ROOT, "| cost per 1,000 events | $%.4f | $%.4f |%n", liveCalls.costPer1000(), variantCalls.costPer1000()));
        md.append(String.format(Locale.ROOT, "| model time per event, p50 | %.1f ms | %.1f ms |%n", liveCalls.p50Millis(), variantCalls.p50Millis()));
        md.append(String.format(Locale.ROOT, "| model time per event, p95 | %.1f ms | %.1f ms |%n", liveCalls.p95Millis(), variantCalls.p95Millis()));
        md.append("| cache hits | ").append(liveCalls.cacheHits()).append(" | ").append(variantCalls.cacheHits()).append(" |\n");
        md.append("\nEvery event that differs is in `diffs.jsonl`, with the live and the variant values.\n");
        return md.toString();
    }

    public static String percent(double share) {
        return Double.isNaN(share) ? "–" : String.format(Locale.ROOT, "%.1f%%", share * 100);
    }
}
