package dev.switchboard.workflows.explain;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * Model spend per UTC day, workflow and model over the last days, read back from the audit topic (one
 * record per model call). The read is bounded: it starts at the first day's 00:00 (found by timestamp,
 * so older records are never fetched) and keeps at most {@link #MAX_CALLS} calls; a result that hit
 * that bound says so.
 */
public final class DailySpend {

    /** The most audit records one read keeps (about 20 MB of them). */
    public static final int MAX_CALLS = 50_000;

    /** One day's calls and spend of one model in one workflow. */
    public record Row(LocalDate day, String workflow, String model, long calls, long tokensIn, long tokensOut, double costUsd) {
    }

    /** @param complete false when the read stopped at {@link #MAX_CALLS} calls, so the first days shown are short */
    public record Result(List<Row> rows, boolean complete) {
    }

    private record Key(LocalDate day, String workflow, String model) {
    }

    private final Map<Key, double[]> totals = new TreeMap<>(Comparator.comparing(Key::day).reversed()
            .thenComparing(Key::workflow).thenComparing(Key::model));

    /** Reads the audit topic from {@code days} UTC days back (today included) to its end. */
    public static Result read(String bootstrapServers, Map<String, String> clientProperties, String auditTopic, int days, Clock clock) {
        Instant from = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).minusDays(days - 1L).atStartOfDay(ZoneOffset.UTC).toInstant();
        DailySpend spend = new DailySpend();
        try (TopicScan scan = new TopicScan(bootstrapServers, clientProperties)) {
            List<ConsumerRecord<byte[], byte[]>> calls = scan.read(auditTopic, from, record -> record.value() != null, MAX_CALLS);
            calls.forEach(record -> spend.add(Instant.ofEpochMilli(record.timestamp()), record.value()));
            return new Result(spend.rows(), calls.size() < MAX_CALLS);
        }
    }

    /** Counts one audit record written at {@code time}; anything that is not one is passed over. */
    void add(Instant time, byte[] value) {
        JsonNode call = EventRecords.json(value);
        if (call == null || !call.hasNonNull("workflow") || !call.hasNonNull("model")) {
            return;
        }
        String model = call.path("provider").asText("") + "/" + call.path("model").asText();
        double[] total = totals.computeIfAbsent(new Key(LocalDate.ofInstant(time, ZoneOffset.UTC), call.path("workflow").asText(), model),
                key -> new double[4]);
        total[0]++;
        total[1] += call.path("tokens_in").asLong();
        total[2] += call.path("tokens_out").asLong();
        total[3] += call.path("cost_usd").asDouble();
    }

    /** Newest day first, then by workflow and model. */
    List<Row> rows() {
        List<Row> rows = new ArrayList<>();
        totals.forEach((key, total) -> rows.add(new Row(key.day(), key.workflow(), key.model(), (long) total[0], (long) total[1],
                (long) total[2], total[3])));
        return rows;
    }
}
