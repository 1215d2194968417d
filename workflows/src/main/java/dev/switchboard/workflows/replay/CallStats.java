package dev.switchboard.workflows.replay;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The model calls of one side of a replay, from audit records: how many, what they cost and how long
 * each event waited for its models.
 *
 * @param calls         model calls
 * @param costUsd       their cost
 * @param costPer1000   per 1,000 events replayed
 * @param cacheHits     calls answered from the response cache
 * @param p50Millis     median model time per event that made calls
 * @param p95Millis     95th percentile of it
 */
public record CallStats(int calls, double costUsd, double costPer1000, int cacheHits, double p50Millis, double p95Millis) {

    static CallStats of(List<Map<String, Object>> audit, int events) {
        Map<String, Double> perEvent = new HashMap<>();
        double cost = 0;
        int hits = 0;
        for (Map<String, Object> call : audit) {
            double latency = call.get("latency_ms") instanceof Number n ? n.doubleValue() : 0;
            cost += call.get("cost_usd") instanceof Number n ? n.doubleValue() : 0;
            hits += Boolean.TRUE.equals(call.get("cache_hit")) ? 1 : 0;
            perEvent.merge(String.valueOf(call.get("event_id")), latency, Double::sum);
        }
        double[] latencies = perEvent.values().stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new CallStats(audit.size(), cost, events == 0 ? 0 : cost / events * 1000, hits,
                percentile(latencies, 0.50), percentile(latencies, 0.95));
    }

    private static double percentile(double[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        int rank = (int) Math.ceil(p * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
