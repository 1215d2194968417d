package dev.switchboard.workflows.streams;

import com.fasterxml.jackson.databind.JsonNode;
import dev.switchboard.schemas.JsonValues;
import dev.switchboard.schemas.events.CloudEventsKafka;
import dev.switchboard.workflows.expr.Cel;
import dev.switchboard.workflows.expr.CelExpression;
import dev.switchboard.workflows.model.TriggerChecks;
import dev.switchboard.workflows.model.WindowTrigger;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.SessionWindows;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.SessionStore;
import org.apache.kafka.streams.state.WindowStore;

/**
 * The stage of a workflow with {@code on.window}: its events, grouped by the key expression and
 * counted (and summed) per tumbling, hopping or session window by event time; when the condition
 * holds, one {@code switchboard.window.fired} event per window goes to the workflow's derived topic.
 *
 * <p>{@code emit: early} fires the moment the condition first holds: the aggregate remembers that it
 * fired, so later events of the same window do not fire again (the store has no cache, so no update
 * is coalesced away). {@code emit: final} suppresses updates until the window closes (end plus grace)
 * and evaluates the condition once on the final aggregate. Events later than the grace period are
 * dropped by Kafka Streams (its {@code dropped-records} metric).
 */
public final class WindowTopology {

    public static final String STORE = "window.aggregates";
    static final int MAX_IDS = 100;

    private WindowTopology() {
    }

    /** One event's share in a window. */
    public record Contribution(String id, Double value, long time) {
    }

    /**
     * A window's aggregate so far.
     *
     * @param last   the latest event's value
     * @param values the latest values, kept only for a baseline of values (at most its {@code last})
     */
    public record Aggregate(long count, double sum, Double min, Double max, List<String> ids, long lastTime, boolean fired, boolean firedNow,
                            Double last, List<Double> values) {

        static Aggregate empty() {
            return new Aggregate(0, 0, null, null, List.of(), 0, false, false, null, List.of());
        }

        Aggregate add(Contribution contribution, int keepValues) {
            List<String> moreIds = new ArrayList<>(ids);
            if (moreIds.size() < MAX_IDS) {
                moreIds.add(contribution.id());
            }
            Double v = contribution.value();
            return new Aggregate(count + 1, sum + (v == null ? 0 : v), lower(min, v), higher(max, v),
                    List.copyOf(moreIds), Math.max(lastTime, contribution.time()), fired, false, v == null ? last : v,
                    keep(values(), v == null ? List.of() : List.of(v), keepValues));
        }

        Aggregate merge(Aggregate other, int keepValues) {
            List<String> allIds = new ArrayList<>(ids);
            other.ids().stream().limit(Math.max(0, MAX_IDS - allIds.size())).forEach(allIds::add);
            boolean otherLater = other.lastTime() >= lastTime;
            return new Aggregate(count + other.count(), sum + other.sum(), lower(min, other.min()), higher(max, other.max()),
                    List.copyOf(allIds), Math.max(lastTime, other.lastTime()), fired || other.fired(), false,
                    otherLater && other.last() != null ? other.last() : last, keep(values(), other.values(), keepValues));
        }

        @Override
        public List<Double> values() {
            return values == null ? List.of() : values;
        }

        private static List<Double> keep(List<Double> earlier, List<Double> later, int keep) {
            if (keep <= 0) {
                return List.of();
            }
            List<Double> all = new ArrayList<>(earlier);
            all.addAll(later);
            return List.copyOf(all.subList(Math.max(0, all.size() - keep), all.size()));
        }

        private static Double lower(Double a, Double b) {
            return a == null ? b : b == null ? a : Double.valueOf(Math.min(a, b));
        }

        private static Double higher(Double a, Double b) {
            return a == null ? b : b == null ? a : Double.valueOf(Math.max(a, b));
        }

        Aggregate firing() {
            return new Aggregate(count, sum, min, max, ids, lastTime, true, true, last, values);
        }

        Map<String, Object> variables(String key) {
            Map<String, Object> variables = new LinkedHashMap<>();
            variables.put("key", key);
            variables.put("count", count);
            variables.put("sum", sum);
            variables.put("min", min == null ? 0.0 : min);
            variables.put("max", max == null ? 0.0 : max);
            variables.put("value", last == null ? 0.0 : last);
            variables.put("baseline", Map.of());
            return variables;
        }
    }

    /**
     * @param types  the event types counted
     * @param filter {@code on.filter}, a CEL condition over the event, or null
     */
    public static Topology build(String workflow, String input, Set<String> types, String filter, WindowTrigger window,
                                 String output, StreamsObserver observer) {
        return build(workflow, input, types, filter, window, output, observer, CloudEventsKafka.Mode.STRUCTURED);
    }

    /** The same, writing its events in {@code mode}; it reads events in either mode. */
    public static Topology build(String workflow, String input, Set<String> types, String filter, WindowTrigger window,
                                 String output, StreamsObserver observer, CloudEventsKafka.Mode mode) {
        String stage = "window:" + workflow;
        EventKey key = EventKey.of(window.key());
        CelExpression value = window.value() == null ? null : CelExpression.overEvent(window.value());
        CelExpression condition = CelExpression.windowCondition(window.condition());
        Cel.Condition eventFilter = filter == null ? null : new Cel().compile(filter);
        boolean early = window.emit().equals("early");
        WindowTrigger.Baseline baseline = window.baseline();
        // with a baseline the condition needs the key's history, so the baseline processor decides, not the aggregator
        boolean fireInAggregate = early && baseline == null;
        int keepValues = baseline != null && baseline.of().equals("value") ? baseline.last() : 0;
        JsonSerde<Contribution> contributionSerde = new JsonSerde<>(Contribution.class);
        JsonSerde<Aggregate> aggregateSerde = new JsonSerde<>(Aggregate.class);

        StreamsBuilder builder = new StreamsBuilder();
        KGroupedStream<String, Contribution> grouped = builder
                .stream(input, Consumed.with(Serdes.ByteArray(), CloudEventsSerde.read())
                        .withTimestampExtractor(new CloudEventTime()).withName("window.read"))
                .flatMap((recordKey, bytes) -> {
                    List<KeyValue<String, Contribution>> out = new ArrayList<>(1);
                    JsonNode event = EventKey.parse(bytes);
                    if (event == null) {
                        // not an event: the workflows that read this topic directly dead-letter it; a window only skips it
                        observer.count(stage, "unparsed");
                        return out;
                    }
                    if (!types.contains(event.path("type").asText())) {
                        return out;
                    }
                    Map<String, Object> variables = JsonValues.toMap(event);
                    if (eventFilter != null && !passes(eventFilter, variables)) {
                        observer.count(stage, "filtered");
                        return out;
                    }
                    String group = key.of(event);
                    if (group == null) {
                        observer.count(stage, "unkeyed");
                        return out;
                    }
                    Double number = value == null ? null : number(EventKey.evaluate(value, variables));
                    observer.count(stage, "counted");
                    out.add(KeyValue.pair(group, new Contribution(event.path("id").asText(), number, Math.max(0, CloudEventTime.of(event)))));
                    return out;
                }, Named.as("window.select"))
                .groupByKey(Grouped.with("window.group", Serdes.String(), contributionSerde));

        Duration grace = TriggerChecks.duration(window.grace());
        KTable<Windowed<String>, Aggregate> aggregates;
        if (window.kind().equals("session")) {
            aggregates = grouped.windowedBy(SessionWindows.ofInactivityGapAndGrace(TriggerChecks.duration(window.gap()), grace))
                    .aggregate(Aggregate::empty,
                            (group, contribution, aggregate) -> add(group, contribution, aggregate, fireInAggregate, condition, keepValues),
                            (group, left, right) -> left.merge(right, keepValues),
                            Named.as("window.aggregate"),
                            Materialized.<String, Aggregate, SessionStore<Bytes, byte[]>>as(STORE)
                                    .withKeySerde(Serdes.String()).withValueSerde(aggregateSerde).withCachingDisabled());
        } else {
            Duration size = TriggerChecks.duration(window.size());
            TimeWindows windows = TimeWindows.ofSizeAndGrace(size, grace);
            if (window.kind().equals("hopping")) {
                windows = windows.advanceBy(TriggerChecks.duration(window.advance()));
            }
            aggregates = grouped.windowedBy(windows)
                    .aggregate(Aggregate::empty,
                            (group, contribution, aggregate) -> add(group, contribution, aggregate, fireInAggregate, condition, keepValues),
                            Named.as("window.aggregate"),
                            Materialized.<String, Aggregate, WindowStore<Bytes, byte[]>>as(STORE)
                                    .withKeySerde(Serdes.String()).withValueSerde(aggregateSerde).withCachingDisabled());
        }
        if (!early) {
            aggregates = aggregates.suppress(Suppressed.<Windowed<String>>untilWindowCloses(Suppressed.BufferConfig.unbounded())
                    .withName("window.suppress"));
        }
        if (baseline != null) {
            aggregates.toStream(Named.as("window.changes"))
                    .process(new WindowBaseline(workflow, window, TriggerChecks.duration(window.size()), condition, value != null, observer),
                            Named.as("window.baseline"))
                    .to(output, Produced.with(Serdes.String(), Serdes.ByteArray()).withName("window.write"));
            return builder.build();
        }
        aggregates.toStream(Named.as("window.changes"))
                .flatMap((windowed, aggregate) -> {
                    List<KeyValue<String, byte[]>> out = new ArrayList<>(1);
                    boolean fire = aggregate != null && (early ? aggregate.firedNow() : holds(condition, windowed.key(), aggregate));
                    if (fire) {
                        observer.count(stage, "fired");
                        out.add(KeyValue.pair(windowed.key(), fired(workflow, window, windowed, aggregate, value != null, null)));
                    }
                    return out;
                }, Named.as("window.fire"))
                .to(output, Produced.with(Serdes.String(), CloudEventsSerde.written(mode)).withName("window.write"));
        return builder.build();
    }

    private static Aggregate add(String group, Contribution contribution, Aggregate aggregate, boolean fireNow, CelExpression condition,
                                 int keepValues) {
        Aggregate next = aggregate.add(contribution, keepValues);
        return fireNow && !next.fired() && holds(condition, group, next) ? next.firing() : next;
    }

    private static boolean holds(CelExpression condition, String group, Aggregate aggregate) {
        return holds(condition, aggregate.variables(group));
    }

    static boolean holds(CelExpression condition, Map<String, Object> variables) {
        try {
            return condition.test(variables);
        } catch (Cel.ConditionException e) {
            return false;
        }
    }

    private static boolean passes(Cel.Condition filter, Map<String, Object> event) {
        try {
            return filter.test(Map.of("event", event, "steps", Map.of()));
        } catch (Cel.ConditionException e) {
            return false;
        }
    }

    private static Double number(Object value) {
        if (value instanceof Number number) {
            return number.doubleValue();
        }
        if (value instanceof String text) {
            try {
                return Double.valueOf(text);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    /** The {@code switchboard.window.fired} event; {@code baseline} (the statistics the condition saw) or null. */
    static byte[] fired(String workflow, WindowTrigger window, Windowed<String> windowed, Aggregate aggregate, boolean withValue,
                        Map<String, Object> baseline) {
        Instant start = Instant.ofEpochMilli(windowed.window().start());
        Instant end = Instant.ofEpochMilli(windowed.window().end());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("workflow", workflow);
        data.put("key", windowed.key());
        data.put("count", aggregate.count());
        if (withValue) {
            data.put("sum", aggregate.sum());
            data.put("min", aggregate.min());
            data.put("max", aggregate.max());
            data.put("value", aggregate.last());
        }
        if (baseline != null) {
            data.put("baseline", baseline);
        }
        data.put("window", Map.of("kind", window.kind(), "start", start.toString(), "end", end.toString()));
        data.put("condition", window.condition());
        data.put("event_ids", aggregate.ids());
        String id = DerivedEvents.id("win_", workflow, windowed.key(), String.valueOf(windowed.window().start()));
        Instant time = aggregate.lastTime() > 0 ? Instant.ofEpochMilli(aggregate.lastTime()) : end;
        return DerivedEvents.event(id, "/switchboard/window/" + workflow, WindowTrigger.FIRED_TYPE, windowed.key(), time, data);
    }
}
