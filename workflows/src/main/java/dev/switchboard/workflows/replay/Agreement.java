package dev.switchboard.workflows.replay;

import dev.switchboard.schemas.Task;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * How a replayed variant's tasks compare with what the live workflow produced, event by event.
 *
 * <p>Tasks are matched by event id and the step that made them. An event is <em>same</em> when every
 * task matches on sink, title, body, priority, owner and fields, numbers within a tolerance (a
 * confidence that moved in its third decimal is not a disagreement); <em>changed</em> when a task of
 * it differs; <em>dropped</em> when the live workflow made a task and the variant none (it skipped the
 * event, held it for review or dead-lettered it); <em>new</em> the other way round; and <em>no
 * task</em> when neither made one. Every differing attribute is counted: text attributes with their
 * most frequent transitions (a label that changed from {@code billing} to {@code refund}), numbers
 * with their deltas (a score or a confidence).
 *
 * @param events      events replayed
 * @param same        events whose tasks all match
 * @param changed     events with a task that differs
 * @param dropped     events with a live task and none from the variant
 * @param added       events with a task from the variant and none live
 * @param noTask      events with a task on neither side
 * @param attributes  per attribute ({@code title}, {@code fields.label}, ...), what changed
 * @param diffs       one entry per event that is not the same
 */
public record Agreement(int events, int same, int changed, int dropped, int added, int noTask,
                        Map<String, AttributeChanges> attributes, List<EventDiff> diffs) {

    /**
     * @param changes     events where the attribute differs
     * @param transitions text values: "live → variant" and how often, most frequent first
     * @param meanDelta   numbers: the mean of (variant − live); NaN for text
     * @param meanAbsDelta numbers: the mean of |variant − live|; NaN for text
     * @param maxAbsDelta numbers: the largest |variant − live|; NaN for text
     */
    public record AttributeChanges(int changes, Map<String, Integer> transitions, double meanDelta, double meanAbsDelta, double maxAbsDelta) {
    }

    /** One event that differs: its id, how, and the attributes with their live and variant values. */
    public record EventDiff(String eventId, String kind, String step, Map<String, List<Object>> attributes) {
    }

    /** Share of events with a task on either side whose tasks all match. */
    public double agreement() {
        int compared = events - noTask;
        return compared == 0 ? Double.NaN : (double) same / compared;
    }

    /**
     * @param replayed the ids of the events the variant ran on, in order
     * @param live     the live workflow's tasks by event id
     * @param variant  the variant's tasks by event id
     */
    public static Agreement of(List<String> replayed, Map<String, List<Task>> live, Map<String, List<Task>> variant) {
        return of(replayed, live, variant, 0);
    }

    /**
     * @param tolerance numbers that differ by at most this are counted in the attribute's deltas but do not make the event changed
     */
    public static Agreement of(List<String> replayed, Map<String, List<Task>> live, Map<String, List<Task>> variant, double tolerance) {
        int same = 0;
        int changed = 0;
        int dropped = 0;
        int added = 0;
        int noTask = 0;
        Map<String, List<Object[]>> values = new TreeMap<>();
        List<EventDiff> diffs = new ArrayList<>();
        for (String eventId : replayed) {
            Map<String, Task> before = byStep(live.getOrDefault(eventId, List.of()));
            Map<String, Task> after = byStep(variant.getOrDefault(eventId, List.of()));
            if (before.isEmpty() && after.isEmpty()) {
                noTask++;
            } else if (after.isEmpty()) {
                dropped++;
                diffs.add(new EventDiff(eventId, "dropped", String.join(",", before.keySet()), Map.of()));
            } else if (before.isEmpty()) {
                added++;
                diffs.add(new EventDiff(eventId, "new", String.join(",", after.keySet()), Map.of()));
            } else {
                Map<String, List<Object>> differing = new LinkedHashMap<>();
                boolean beyondTolerance = false;
                java.util.Set<String> steps = new java.util.TreeSet<>(before.keySet());
                steps.addAll(after.keySet());
                for (String step : steps) {
                    Map<String, Object> a = attributes(before.get(step));
                    Map<String, Object> b = attributes(after.get(step));
                    java.util.Set<String> names = new java.util.TreeSet<>(a.keySet());
                    names.addAll(b.keySet());
                    for (String name : names) {
                        Object x = a.get(name);
                        Object y = b.get(name);
                        if (!Objects.equals(normalize(x), normalize(y))) {
                            String key = steps.size() > 1 ? step + "." + name : name;
                            differing.put(key, java.util.Arrays.asList(x, y));
                            values.computeIfAbsent(key, k -> new ArrayList<>()).add(new Object[] {x, y});
                            Double a1 = number(x);
                            Double b1 = number(y);
                            beyondTolerance |= a1 == null || b1 == null || Math.abs(b1 - a1) > tolerance;
                        }
                    }
                }
                if (!beyondTolerance) {
                    same++;
                } else {
                    changed++;
                    diffs.add(new EventDiff(eventId, "changed", String.join(",", steps), differing));
                }
            }
        }
        Map<String, AttributeChanges> attributes = new LinkedHashMap<>();
        values.forEach((name, pairs) -> attributes.put(name, summarize(pairs)));
        return new Agreement(replayed.size(), same, changed, dropped, added, noTask, attributes, diffs);
    }

    private static Map<String, Task> byStep(List<Task> tasks) {
        Map<String, Task> map = new TreeMap<>();
        for (Task task : tasks) {
            map.put(task.step() == null ? "" : task.step(), task);
        }
        return map;
    }

    /** What a sink would receive, without the ids and times that always differ between two runs. */
    static Map<String, Object> attributes(Task task) {
        Map<String, Object> map = new LinkedHashMap<>();
        if (task == null) {
            return map;
        }
        map.put("sink", task.sink());
        map.put("title", task.title());
        map.put("body", task.body());
        map.put("priority", task.priority());
        map.put("owner", task.owner());
        task.fields().forEach((name, value) -> map.put("fields." + name, value));
        return map;
    }

    /** Numbers that templates rendered as text compare as numbers. */
    private static Object normalize(Object value) {
        Double number = number(value);
        return number != null ? number : value;
    }

    private static Double number(Object value) {
        if (value instanceof Number n) {
            return n.doubleValue();
        }
        if (value instanceof String text && text.matches("-?\\d+(\\.\\d+)?([eE]-?\\d+)?")) {
            return Double.parseDouble(text);
        }
        return null;
    }

    private static AttributeChanges summarize(List<Object[]> pairs) {
        boolean numeric = pairs.stream().allMatch(p -> number(p[0]) != null && number(p[1]) != null);
        if (numeric) {
            double sum = 0;
            double abs = 0;
            double max = 0;
            for (Object[] pair : pairs) {
                double delta = number(pair[1]) - number(pair[0]);
                sum += delta;
                abs += Math.abs(delta);
                max = Math.max(max, Math.abs(delta));
            }
            return new AttributeChanges(pairs.size(), Map.of(), sum / pairs.size(), abs / pairs.size(), max);
        }
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (Object[] pair : pairs) {
            counts.merge(abbreviate(pair[0]) + " → " + abbreviate(pair[1]), 1, Integer::sum);
        }
        Map<String, Integer> sorted = new LinkedHashMap<>();
        counts.entrySet().stream()
                .sorted(Comparator.comparing((Map.Entry<String, Integer> e) -> -e.getValue()).thenComparing(Map.Entry::getKey))
                .forEach(e -> sorted.put(e.getKey(), e.getValue()));
        return new AttributeChanges(pairs.size(), sorted, Double.NaN, Double.NaN, Double.NaN);
    }

    private static String abbreviate(Object value) {
        String text = value == null ? "(none)" : value.toString().replace('\n', ' ');
        return text.length() > 60 ? text.substring(0, 57) + "..." : text;
    }
}
