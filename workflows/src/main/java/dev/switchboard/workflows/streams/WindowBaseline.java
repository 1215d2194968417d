package dev.switchboard.workflows.streams;

import dev.switchboard.workflows.expr.CelExpression;
import dev.switchboard.workflows.model.WindowTrigger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

/**
 * The baseline of a window: per key, the recent windows' counts, sums and values
 * ({@code window.history}), from which each update of a window gets the statistics of the windows
 * before it ({@link BaselineStats}), and the condition is evaluated with them. Under {@code emit: early}
 * the history remembers which windows fired, so a window fires once; under {@code emit: final} each
 * window arrives here once, closed.
 */
record WindowBaseline(String workflow, WindowTrigger window, Duration size, CelExpression condition, boolean withValue,
                      StreamsObserver observer) implements ProcessorSupplier<Windowed<String>, WindowTopology.Aggregate, String, byte[]> {

    static final String STORE = "window.history";

    /** One window of a key's history. */
    record Slot(long start, long count, double sum, List<Double> values) {
        Slot {
            values = values == null ? List.of() : List.copyOf(values);
        }
    }

    /** A key's recent windows, oldest first, from its first window's start on, and the windows that fired. */
    record History(long first, List<Slot> slots, List<Long> fired) {
        History {
            slots = slots == null ? List.of() : List.copyOf(slots);
            fired = fired == null ? List.of() : List.copyOf(fired);
        }
    }

    @Override
    public Set<StoreBuilder<?>> stores() {
        return Set.of(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(), new JsonSerde<>(History.class)));
    }

    @Override
    public Processor<Windowed<String>, WindowTopology.Aggregate, String, byte[]> get() {
        return new Processor<>() {
            private ProcessorContext<String, byte[]> context;
            private KeyValueStore<String, History> histories;

            @Override
            public void init(ProcessorContext<String, byte[]> context) {
                this.context = context;
                this.histories = context.getStateStore(STORE);
            }

            @Override
            public void process(Record<Windowed<String>, WindowTopology.Aggregate> record) {
                WindowTopology.Aggregate aggregate = record.value();
                if (aggregate == null) {
                    return;
                }
                String key = record.key().key();
                long start = record.key().window().start();
                History history = update(histories.get(key), start, aggregate);
                BaselineStats stats = BaselineStats.of(points(history, start));
                Map<String, Object> variables = aggregate.variables(key);
                variables.put("baseline", stats.variables());
                boolean early = window.emit().equals("early");
                if ((!early || !history.fired().contains(start)) && WindowTopology.holds(condition, variables)) {
                    List<Long> fired = new ArrayList<>(history.fired());
                    fired.add(start);
                    history = new History(history.first(), history.slots(), fired);
                    observer.count("window:" + workflow, "fired");
                    context.forward(new Record<>(key, WindowTopology.fired(workflow, window, record.key(), aggregate, withValue,
                            stats.variables()), record.timestamp()));
                }
                histories.put(key, trim(history));
            }
        };
    }

    private static History update(History history, long start, WindowTopology.Aggregate aggregate) {
        List<Slot> slots = new ArrayList<>(history == null ? List.of() : history.slots());
        slots.removeIf(slot -> slot.start() == start);
        slots.add(new Slot(start, aggregate.count(), aggregate.sum(), aggregate.values()));
        slots.sort(Comparator.comparingLong(Slot::start));
        long first = history == null ? start : Math.min(history.first(), start);
        return new History(first, slots, history == null ? List.of() : history.fired());
    }

    /** The points the window starting at {@code start} is compared with: the values, counts or sums of the windows before it. */
    private List<Double> points(History history, long start) {
        WindowTrigger.Baseline baseline = window.baseline();
        List<Double> points = new ArrayList<>();
        if (baseline.of().equals("value")) {
            List<Slot> earlier = history.slots().stream().filter(slot -> slot.start() < start).toList();
            for (int i = earlier.size() - 1; i >= 0 && points.size() < baseline.last(); i--) {
                List<Double> values = earlier.get(i).values();
                for (int j = values.size() - 1; j >= 0 && points.size() < baseline.last(); j--) {
                    points.add(values.get(j));
                }
            }
            return points;
        }
        boolean count = baseline.of().equals("count");
        for (int k = 1; k <= baseline.last(); k++) {
            long slotStart = start - k * size.toMillis();
            if (slotStart < history.first()) {
                break;
            }
            Slot slot = history.slots().stream().filter(candidate -> candidate.start() == slotStart).findFirst().orElse(null);
            // a window without events is a window of 0, not a window left out: quiet hours are part of the baseline
            points.add(slot == null ? 0.0 : count ? (double) slot.count() : slot.sum());
        }
        return points;
    }

    /** Keeps what later windows can still need: the last windows of the baseline, or enough of them to hold its values. */
    private History trim(History history) {
        WindowTrigger.Baseline baseline = window.baseline();
        List<Slot> slots = history.slots();
        if (slots.isEmpty()) {
            return history;
        }
        long newest = slots.get(slots.size() - 1).start();
        List<Slot> kept = new ArrayList<>();
        int values = 0;
        for (int i = slots.size() - 1; i >= 0; i--) {
            Slot slot = slots.get(i);
            boolean needed = baseline.of().equals("value")
                    ? values < baseline.last() + slots.get(slots.size() - 1).values().size()
                    : slot.start() > newest - (baseline.last() + 2L) * size.toMillis();
            if (!needed) {
                break;
            }
            kept.add(0, slot);
            values += slot.values().size();
        }
        List<Long> fired = history.fired().stream().filter(start -> kept.stream().anyMatch(slot -> slot.start() == start)).toList();
        return new History(history.first(), kept, fired);
    }
}
